"""How Hansard writes people's names, so short forms resolve to one person.

A member is introduced in full ("Mr Edward Timpson", "Edward Timpson") and later
printed by honorific and surname ("Mr Timpson"). Peers are printed by title
("Baroness Morris of Yardley"), which is never shortened to a surname.
"""

from __future__ import annotations

import re

HONORIFICS = (
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Sir",
    "Dame",
    "Professor",
    "Prof",
    "Rev",
    "Reverend",
    "Rt Hon",
    "Hon",
)
PEERAGE_TITLES = (
    "Lord",
    "Baroness",
    "Baron",
    "Viscount",
    "Viscountess",
    "Earl",
    "Countess",
    "Marquess",
    "Duke",
    "Duchess",
    "Lady",
    "The Lord Bishop",
    "Bishop",
    "The Earl",
    "The Duke",
)
_HONORIFIC = re.compile(r"^(?:(?:" + "|".join(re.escape(h) for h in HONORIFICS) + r")\.?\s+)+")
_PEER = re.compile(r"^(?:" + "|".join(re.escape(t) for t in PEERAGE_TITLES) + r")\b")


def normalise(name: str) -> str:
    """A comparison key: case, spacing and full stops do not distinguish people."""
    return " ".join(name.replace(".", " ").split()).casefold()


def without_honorific(name: str) -> str:
    """ "Mr Edward Timpson" -> "Edward Timpson"; peers keep their title."""
    return _HONORIFIC.sub("", name.strip()).strip() or name.strip()


def is_peer(name: str) -> bool:
    return bool(_PEER.match(name.strip()))


def surname(name: str) -> str:
    """The last word of a commoner's name: "Mr Edward Timpson" -> "Timpson"."""
    return without_honorific(name).split()[-1]


def is_short_form(name: str) -> bool:
    """An honorific and a surname only: "Mr Timpson", "Dr Wollaston", "Mrs Ellman"."""
    stripped = without_honorific(name)
    return stripped != name.strip() and len(stripped.split()) == 1 and not is_peer(name)


def could_be(short_form: str, full_name: str) -> bool:
    """Whether a short form like "Mr Timpson" can stand for ``full_name``."""
    return (
        is_short_form(short_form)
        and not is_peer(full_name)
        and (normalise(surname(short_form)) == normalise(surname(full_name)))
    )
