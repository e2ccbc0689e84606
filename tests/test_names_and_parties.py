import pytest

from debates.importing import names
from debates.importing.parties import resolve_party


@pytest.mark.parametrize(
    ("printed", "full_name"),
    [
        ("Lab", "Labour"),
        ("Lab/Co-op", "Labour (Co-op)"),
        ("Labour (Co-op)", "Labour (Co-op)"),
        ("LD", "Liberal Democrat"),
        ("CB", "Crossbench"),
        ("Crossbench", "Crossbench"),
        ("SNP", "Scottish National Party"),
        ("DUP", "Democratic Unionist Party"),
        ("Green", "Green Party"),
        ("Bishops", "Bishops"),
        ("Non-Afl", "Non-affiliated"),
        ("con", "Conservative"),
    ],
)
def test_party_spellings_resolve_to_one_full_name(printed, full_name):
    assert resolve_party(printed).name == full_name


@pytest.mark.parametrize("text", ["Sheffield, Heeley", "Alyn and Deeside", ""])
def test_constituencies_are_not_parties(text):
    assert resolve_party(text) is None


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("Mr Timpson", "Edward Timpson", True),
        ("Mr Robinson", "Geoffrey Robinson", True),
        ("Dr Wollaston", "Dr Sarah Wollaston", True),
        ("Mrs Ellman", "Dame Louise Ellman", True),
        ("Ms Barker-Smith", "Jane Barker-Smith", True),
        ("Mr Timpson", "Tim Loughton", False),
        ("Edward Timpson", "Edward Timpson", False),  # a full name, not a short form
        ("Lord Nash", "Lord Nash", False),  # peers are never shortened to a surname
    ],
)
def test_short_forms_match_a_surname(short, full, expected):
    assert names.could_be(short, full) is expected


def test_honorifics_are_dropped_for_the_canonical_name_but_peerages_kept():
    assert names.without_honorific("Mr Edward Timpson") == "Edward Timpson"
    assert names.without_honorific("Sir Tony Baldry") == "Tony Baldry"
    assert names.is_peer("Baroness Morris of Yardley")
    assert names.is_peer("The Lord Bishop of Derby")
    assert not names.is_peer("Lordington Smith")
