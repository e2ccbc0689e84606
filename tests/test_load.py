"""The loader, on parsed documents built by hand: identity, merging, idempotency, atomicity."""

import datetime
import json

import pytest
from django.core.management import call_command

from debates.importing.curation import SpeakerFacts, TopicDefinition
from debates.importing.errors import SourceFormatError
from debates.importing.load import SourceDocument, load_documents
from debates.importing.parsed import (
    ParagraphKind,
    ParsedContribution,
    ParsedDebate,
    ParsedDocument,
    ParsedParagraph,
    ParsedSpeaker,
)
from debates.models import Contribution, ContributionTopic, Debate, Speaker, Topic

REVIEWS = TopicDefinition(
    slug="serious-case-reviews",
    name="Serious case reviews",
    description="Reviews after a child dies.",
    phrases=("serious case review", "SCR"),
)


def speech(name, display_name, *paragraphs, role=None, party=None, constituency=None, **extra):
    return ParsedContribution(
        speaker=ParsedSpeaker(name=name, party=party, constituency=constituency),
        display_name=display_name,
        role=role,
        paragraphs=tuple(
            p if isinstance(p, ParsedParagraph) else ParsedParagraph(p) for p in paragraphs
        ),
        **extra,
    )


def page(sha, *contributions, title="Daniel Pelka", date=datetime.date(2013, 10, 17)):
    debate = ParsedDebate(
        title=title,
        date=date,
        house="commons",
        location="Commons Chamber",
        contributions=contributions,
        line=1,
    )
    return SourceDocument(
        document=ParsedDocument(path=f"{sha}.txt", format="page", debates=(debate,)),
        file_name=f"{sha}.txt",
        sha256=sha * 64,
    )


def load(*sources, facts=None):
    return load_documents(list(sources), speaker_facts=facts or {}, topics=[REVIEWS])


TIMPSON_OPENS = speech(
    "Edward Timpson",
    "Mr Edward Timpson",
    "The serious case review in Coventry showed failings.",
    role="The Parliamentary Under-Secretary of State for Education",
)
ROBINSON_INTERVENES = speech(
    "Geoffrey Robinson", "Mr Robinson", "There is not a word on that in the SCR."
)
TIMPSON_REPLIES = speech(
    "Mr Timpson",
    "Mr Timpson",
    "I thank the hon. Member for Coventry North West (Mr Robinson) for that.",
)


def test_short_forms_resolve_to_the_full_speaker_within_a_debate(db):
    load(page("a", TIMPSON_OPENS, ROBINSON_INTERVENES, TIMPSON_REPLIES))

    assert Speaker.objects.count() == 2
    timpson = Speaker.objects.get(name="Edward Timpson")
    assert timpson.contributions.count() == 2
    assert set(timpson.names.values_list("name", flat=True)) == {
        "Edward Timpson",
        "Mr Edward Timpson",
        "Mr Timpson",
    }


def test_short_forms_resolve_across_documents(db):
    load(page("a", TIMPSON_OPENS))
    load(page("b", TIMPSON_REPLIES, title="Looked-after Children"))
    assert Speaker.objects.count() == 1


def test_member_mentions_add_a_constituency(db):
    load(page("a", TIMPSON_OPENS, ROBINSON_INTERVENES, TIMPSON_REPLIES))
    assert Speaker.objects.get(name="Geoffrey Robinson").constituency == "Coventry North West"


def test_loading_twice_changes_nothing(db):
    source = page("a", TIMPSON_OPENS, ROBINSON_INTERVENES, TIMPSON_REPLIES)
    load(source)
    keys = list(Contribution.objects.order_by("key").values_list("key", flat=True))

    report = load(source)

    assert not report.changed
    assert report.counts("contributions") == {"created": 0, "updated": 0, "unchanged": 3}
    assert list(Contribution.objects.order_by("key").values_list("key", flat=True)) == keys


def test_keys_do_not_change_when_more_documents_arrive(db):
    load(page("a", ROBINSON_INTERVENES))
    key = Contribution.objects.get().key
    load(page("b", TIMPSON_OPENS, ROBINSON_INTERVENES, TIMPSON_REPLIES))
    assert Contribution.objects.get(speaker__name="Geoffrey Robinson").key == key
    assert Contribution.objects.count() == 3


def test_the_same_debate_from_two_documents_is_one_debate(db):
    report = load(page("a", TIMPSON_OPENS), page("b", ROBINSON_INTERVENES))
    assert Debate.objects.count() == 1
    debate = Debate.objects.get()
    assert list(debate.contributions.values_list("sequence", flat=True)) == [1, 2]
    assert debate.sources.count() == 2
    assert report.counts("debates") == {"created": 1, "updated": 0, "unchanged": 0}


def test_a_record_of_a_speech_already_seen_on_a_page_adds_its_column(db):
    load(page("a", ROBINSON_INTERVENES))
    record = speech(
        "Geoffrey Robinson",
        "Geoffrey Robinson",
        "There is not a word on that in the SCR.",
        party="Labour",
        column_reference="568 c845",
        source_uri="http://data.parliament.uk/pimsdata/hansard/CONTRIBUTION_1",
    )
    load(page("b", record))
    contribution = Contribution.objects.get()
    assert contribution.column_reference == "568 c845"
    assert contribution.citation == "HC Deb 17 October 2013, vol 568, c845"


def test_topics_are_tagged_by_rule_and_rolled_up_to_the_debate(db):
    load(page("a", TIMPSON_OPENS, ROBINSON_INTERVENES, TIMPSON_REPLIES))
    tags = ContributionTopic.objects.filter(topic__slug="serious-case-reviews")
    assert tags.count() == 2
    assert {tag.provenance for tag in tags} == {"rule"}
    assert {tag.matched_phrase for tag in tags} == {"serious case review", "SCR"}
    assert list(Debate.objects.get().topics.values_list("slug", flat=True)) == [
        "serious-case-reviews"
    ]


def test_curator_tags_survive_a_reimport(db):
    source = page("a", TIMPSON_REPLIES)
    load(source)
    contribution = Contribution.objects.get()
    ContributionTopic.objects.create(contribution=contribution, topic=Topic.objects.get())
    load(source)
    assert contribution.contributiontopic_set.get().provenance == "curator"


def test_procedural_lines_are_kept_apart_from_the_speech(db):
    load(
        page(
            "a",
            speech(
                "Geoffrey Robinson",
                "Mr Robinson",
                "I beg to move.",
                ParsedParagraph("Question put and agreed to.", ParagraphKind.PROCEDURAL),
            ),
        )
    )
    assert Contribution.objects.get().paragraphs == [
        {"kind": "speech", "text": "I beg to move."},
        {"kind": "procedural", "text": "Question put and agreed to."},
    ]


def test_reviewed_facts_fill_gaps_but_text_wins(db):
    facts = {
        "Mark Tami": SpeakerFacts(name="Mark Tami", party="Conservative", constituency="Elsewhere"),
        "Edward Timpson": SpeakerFacts(name="Edward Timpson", party="Conservative"),
    }
    tami = speech(
        "Mark Tami", "Mark Tami", "The blame game.", party="Labour", constituency="Alyn and Deeside"
    )
    report = load(page("a", TIMPSON_OPENS, tami), facts=facts)

    assert Speaker.objects.get(name="Mark Tami").party.name == "Labour"
    assert Speaker.objects.get(name="Edward Timpson").party.name == "Conservative"
    # The party at the time of a speech falls back to the reviewed party.
    assert Contribution.objects.get(speaker__name="Edward Timpson").party.name == "Conservative"
    assert any("Mark Tami's party" in warning for warning in report.warnings)


def test_a_failure_part_way_leaves_the_database_unchanged(db):
    load(page("a", TIMPSON_OPENS))
    before = json.dumps(dump_all())
    overlong = page("c", ROBINSON_INTERVENES, title="T" * 501)

    with pytest.raises(SourceFormatError, match="501 characters"):
        load(page("b", TIMPSON_REPLIES, title="Another Debate"), overlong)

    assert json.dumps(dump_all()) == before


def test_an_untitled_debate_is_filed_apart_with_a_warning(db):
    report = load(page("a", TIMPSON_OPENS, title=None), page("b", TIMPSON_REPLIES, title=None))
    assert sorted(Debate.objects.values_list("title", flat=True)) == [
        "Untitled debate (source aaaaaaaa)",
        "Untitled debate (source bbbbbbbb)",
    ]
    assert any("a.txt:1: the debate has no title" in warning for warning in report.warnings)


def test_a_curators_new_title_survives_reimport(db):
    source = page("a", TIMPSON_OPENS, ROBINSON_INTERVENES, title=None)
    load(source)
    Debate.objects.update(title="Daniel Pelka")
    report = load(source)
    assert list(Debate.objects.values_list("title", flat=True)) == ["Daniel Pelka"]
    assert not report.changed
    assert not report.warnings


def dump_all():
    from io import StringIO

    out = StringIO()
    call_command("dumpdata", "debates", natural_primary=True, natural_foreign=True, stdout=out)
    return json.loads(out.getvalue())


def test_values_too_long_for_the_archive_are_refused_with_file_and_line(db):
    with pytest.raises(SourceFormatError, match=r"^x\.txt:1: debate title is 501 characters"):
        load(page("x", TIMPSON_OPENS, title="T" * 501))
    assert not Debate.objects.exists()
