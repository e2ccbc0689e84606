"""Party names as Hansard prints them, and the one full name each stands for.

Debate pages print short forms after a speaker ("(Lab)", "(LD)", "(CB)"); proceeding
records print the full name ("(Labour)", "(Crossbench)"). Both resolve to one full
name so a party is one row however a source spells it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartyName:
    name: str  # full name, as stored and shown
    short_name: str  # as printed after a speaker on debate pages
    aliases: tuple[str, ...] = ()


PARTIES: tuple[PartyName, ...] = (
    PartyName("Conservative", "Con", ("Conservative Party",)),
    PartyName("Labour", "Lab", ("Labour Party",)),
    PartyName("Labour (Co-op)", "Lab/Co-op", ("Labour/Co-operative", "Labour Co-op", "Lab Co-op")),
    PartyName("Liberal Democrat", "LD", ("Liberal Democrats", "Lib Dem", "LibDem")),
    PartyName("Scottish National Party", "SNP"),
    PartyName("Democratic Unionist Party", "DUP"),
    PartyName("Ulster Unionist Party", "UUP", ("Ulster Unionist", "UU")),
    PartyName("Social Democratic and Labour Party", "SDLP"),
    PartyName("Sinn Féin", "SF", ("Sinn Fein",)),
    PartyName("Plaid Cymru", "PC"),
    PartyName("Green Party", "Green", ("Green Party of England and Wales", "GP")),
    PartyName("Alliance", "Alliance", ("Alliance Party", "APNI")),
    PartyName("Reform UK", "Reform", ("RUK",)),
    PartyName("Alba Party", "Alba"),
    PartyName("UK Independence Party", "UKIP"),
    PartyName("Respect", "Respect"),
    PartyName("Independent", "Ind"),
    PartyName("Crossbench", "CB", ("Crossbencher", "Cross Bench", "XB")),
    PartyName("Bishops", "Bishops", ("Bishop", "Lords Spiritual")),
    PartyName("Non-affiliated", "Non-Afl", ("Non-Affiliated", "Non-aligned", "Non-afl")),
    PartyName("Speaker", "Speaker", ("Deputy Speaker",)),
    PartyName("Lord Speaker", "Lord Speaker"),
    PartyName("Independent Ulster Unionist", "Ind UU"),
    PartyName("Traditional Unionist Voice", "TUV"),
    PartyName("Labour Independent", "Lab Ind", ("Ind Lab", "Independent Labour")),
    PartyName("Conservative Independent", "Con Ind", ("Ind Con", "Independent Conservative")),
    PartyName("Liberal", "Lib"),
    PartyName("Social Democratic Party", "SDP"),
)

_BY_SPELLING: dict[str, PartyName] = {}
for _party in PARTIES:
    for _spelling in (_party.name, _party.short_name, *_party.aliases):
        _BY_SPELLING.setdefault(_spelling.casefold(), _party)


def resolve_party(text: str) -> PartyName | None:
    """The party a printed name stands for, or None if it is not a party name.

    >>> resolve_party("Lab/Co-op").name
    'Labour (Co-op)'
    >>> resolve_party("Sheffield, Heeley") is None
    True
    """
    return _BY_SPELLING.get(" ".join(text.split()).casefold())
