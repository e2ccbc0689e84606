"""A deterministic synthetic Hansard corpus, for benchmarks at archive scale (issue #8).

``generate_corpus(contributions=N, seed=S)`` writes N contributions, with speakers, debates
and topic tags scaled to N, into the configured database; the same N and S give the same
rows, keys and words on any database. Everything is planned in Python from
``random.Random`` streams and written with ``bulk_create`` in one transaction, with the
full-text index set aside during the load and rebuilt once after it.

The words are Hansard-like, not Hansard: a Zipf distribution over the vocabulary of the
real seed texts (fixtures/sources) plus a generated tail of rarer tokens, so word
frequencies, and so the shape of the search index, look like the real thing. Changing
the seed texts changes the corpus.

Optionally the same corpus is also written as a standalone SQLite file laid out for
Datasette (one denormalised ``contributions`` table with an FTS5 index as
``sqlite-utils enable-fts`` makes it), the baseline the archive is measured against.
"""

from __future__ import annotations

import datetime
import importlib
import itertools
import math
import multiprocessing
import os
import queue
import random
import re
import sqlite3
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils.text import slugify

from debates import caching
from debates.importing.curation import TopicDefinition, load_topic_vocabulary
from debates.importing.detect import parse_document
from debates.importing.load import contribution_fingerprint, contribution_key
from debates.importing.parsed import ParsedContribution, ParsedParagraph, ParsedSpeaker
from debates.importing.parties import PARTIES, PartyName
from debates.models import (
    Contribution,
    ContributionTopic,
    Debate,
    House,
    Party,
    Speaker,
    SpeakerName,
    Topic,
)

search_migration = importlib.import_module("debates.migrations.0005_search_columns")

DEFAULT_BATCH_SIZE = 5_000
MAX_SPEAKERS = 40_000
CONTRIBUTIONS_PER_SPEAKER = 250
CONTRIBUTIONS_PER_DEBATE = 50

FIRST_YEAR, LAST_YEAR = 1803, 2025
# Sittings per year grow about 2% a year: 2025 is some 90 times denser than 1803.
YEAR_GROWTH = 0.02

MEAN_WORDS = 225
WORDS_SIGMA = 0.7  # lognormal: most speeches 80-500 words, a few of several thousand
WORDS_MU = math.log(MEAN_WORDS) - WORDS_SIGMA**2 / 2  # so that the mean is MEAN_WORDS
WORDS_PER_COLUMN = 450  # roughly what one printed Hansard column holds
# Zipf-Mandelbrot ranks: exponent and offset give "the" ~7% of tokens, as in Hansard.
ZIPF_EXPONENT, ZIPF_OFFSET = 1.15, 2.7
RARE_WORDS = 30_000

QUOTATION_SHARE = 0.075  # of paragraphs after the first: ~5% of all paragraphs
PROCEDURAL_SHARE = 0.03  # of contributions, plus the last speech of every bill debate
TAGGED_SHARE = 0.30
COLUMN_REFERENCE_SHARE = 0.9  # of contributions where the place prints columns
SOURCE_URI_SHARE = 0.5  # of contributions since 2000, when data.parliament.uk records begin
SOURCE_URL_SHARE = 0.7  # of debates

Progress = Callable[[int, int], None]


# Scale ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusSize:
    contributions: int
    speakers: int
    debates: int

    @classmethod
    def for_contributions(cls, contributions: int) -> CorpusSize:
        """Speakers and debates in Hansard's proportions; never an empty debate."""
        if contributions < 1:
            raise ValueError("A corpus needs at least one contribution.")
        speakers = min(MAX_SPEAKERS, max(50, contributions // CONTRIBUTIONS_PER_SPEAKER))
        debates = min(contributions, max(10, contributions // CONTRIBUTIONS_PER_DEBATE))
        return cls(contributions, speakers, debates)


def streams(seed: int) -> Callable[[str], random.Random]:
    """One independent random stream per part of the corpus, so changing how one part is
    generated leaves the others as they were. String seeds hash the same in every process."""
    return lambda part: random.Random(f"{seed}:{part}")


# Words ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"hon\.|[A-Za-z]+(?:[’'-][A-Za-z]+)*")
_SYLLABLE_ONSETS = (
    *"bcdfghjklmnprstvw",
    *("br", "ch", "cl", "cr", "dr", "fl", "gr", "pl", "pr", "sc", "sh", "sl", "st", "str", "th"),
    "tr",
)
_SYLLABLE_VOWELS = (*"aeiou", *"aeiou", "ai", "ea", "ee", "ou", "y")
_SYLLABLE_CODAS = ("", "", "", "n", "r", "l", "m", "st", "nd", "rt", "ck", "ss", "nt")
_WORD_ENDINGS = (
    *("", "", "", "ing", "ed", "er", "ation", "ment", "ness", "ity", "al", "ous"),
    *("ive", "ism", "ist", "ance", "ure", "ory", "ship", "ford", "ton"),
)


@dataclass(frozen=True)
class Vocabulary:
    """Words drawn by weight with Walker's alias method: one random number and one
    comparison a word, twice as fast as ``random.choices`` bisecting cumulative weights,
    for the quarter of a billion words a corpus of a million speeches takes."""

    words: tuple[str, ...]
    # Word i is drawn for x = random() * len(words) in [i, thresholds[i]), else aliases[i].
    thresholds: tuple[float, ...]
    aliases: tuple[str, ...]

    @classmethod
    def weighted(cls, words: Sequence[str], weights: Sequence[float]) -> Vocabulary:
        count, total = len(words), sum(weights)
        scaled = [weight * count / total for weight in weights]
        share, alias = [1.0] * count, list(range(count))
        small = [i for i, s in enumerate(scaled) if s < 1]
        large = [i for i, s in enumerate(scaled) if s >= 1]
        while small and large:
            less, more = small.pop(), large.pop()
            share[less], alias[less] = scaled[less], more
            scaled[more] += scaled[less] - 1
            (small if scaled[more] < 1 else large).append(more)
        return cls(
            words=tuple(words),
            thresholds=tuple(index + s for index, s in enumerate(share)),
            aliases=tuple(words[a] for a in alias),
        )

    def sample(self, rng: random.Random, count: int) -> list[str]:
        random_number, size = rng.random, len(self.words)
        words, thresholds, aliases = self.words, self.thresholds, self.aliases
        drawn = []
        for _ in range(count):
            x = random_number() * size
            index = int(x)
            drawn.append(words[index] if x < thresholds[index] else aliases[index])
        return drawn


def seed_paragraphs(sources_dir: Path) -> list[str]:
    """The words of every speech in the real seed texts, read with the importer's parser."""
    paragraphs = []
    for path in sorted(sources_dir.glob("*.txt")):
        document = parse_document(path.read_bytes(), str(path))
        for debate in document.debates:
            for contribution in debate.contributions:
                paragraphs.extend(p.text for p in contribution.paragraphs)
    return paragraphs


def build_vocabulary(paragraphs: Sequence[str], rng: random.Random) -> Vocabulary:
    """Seed words ranked by how often the seeds use them, then a tail of rare made-up ones."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for token in _TOKEN.findall(" ".join(paragraphs)):
        counts[token.lower()] += 1
        forms.setdefault(token.lower(), Counter())[token] += 1
    # Lower case wherever the seeds use it mid-sentence; proper nouns keep their capital.
    shown = {w: w if w in forms[w] else forms[w].most_common(1)[0][0] for w in counts}
    # Ties (hundreds of words seen once) in a seeded shuffle, not alphabetically, so rank
    # does not follow the alphabet.
    tie_breaks = {word: rng.random() for word in sorted(counts)}
    ranked = sorted(counts, key=lambda w: (-counts[w], tie_breaks[w]))
    words = [shown[w] for w in ranked]
    seen = set(counts)
    while len(words) < len(ranked) + RARE_WORDS:
        word = _made_up_word(rng)
        if word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    weights = [1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in range(len(words))]
    return Vocabulary.weighted(words, weights)


def _made_up_word(rng: random.Random) -> str:
    syllables = "".join(
        rng.choice(_SYLLABLE_ONSETS) + rng.choice(_SYLLABLE_VOWELS) + rng.choice(_SYLLABLE_CODAS)
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))
    )
    word = syllables + rng.choice(_WORD_ENDINGS)
    # Some rare words are names of people and places, as in Hansard.
    return word.capitalize() if rng.random() < 0.15 else word


# People and places ------------------------------------------------------------------------

FEMALE_FIRST_NAMES = (
    *("Alison", "Angela", "Anne", "Barbara", "Bridget", "Caroline", "Catherine", "Charlotte"),
    *("Claire", "Diana", "Dorothy", "Eleanor", "Elizabeth", "Emily", "Emma", "Fiona", "Frances"),
    *("Gillian", "Hannah", "Harriet", "Helen", "Hilary", "Jacqui", "Jane", "Janet", "Jessica"),
    *("Joan", "Julia", "Karen", "Kate", "Laura", "Lucy", "Margaret", "Maria", "Mary", "Meg"),
    *("Nadine", "Nancy", "Nia", "Patricia", "Rachel", "Rebecca", "Ruth", "Sarah", "Shirley"),
    *("Siobhain", "Sophie", "Stella", "Susan", "Tessa", "Theresa", "Valerie", "Yvette"),
)
MALE_FIRST_NAMES = (
    *("Alan", "Alexander", "Andrew", "Anthony", "Arthur", "Benjamin", "Charles", "Christopher"),
    *("Daniel", "David", "Douglas", "Edward", "Frederick", "George", "Gerald", "Graham", "Henry"),
    *("Hugh", "Iain", "Ian", "James", "John", "Jonathan", "Keith", "Kevin", "Mark", "Matthew"),
    *("Michael", "Neil", "Nicholas", "Oliver", "Patrick", "Paul", "Peter", "Philip", "Richard"),
    *("Robert", "Roger", "Samuel", "Simon", "Stephen", "Thomas", "Timothy", "Toby", "William"),
)
SURNAMES = (
    *("Abbott", "Allen", "Atkinson", "Bailey", "Baker", "Barker", "Bell", "Bennett", "Brennan"),
    *("Brown", "Burnham", "Butler", "Campbell", "Carter", "Chapman", "Clarke", "Cole", "Collins"),
    *("Cooper", "Cox", "Davies", "Dixon", "Edwards", "Ellis", "Evans", "Fletcher", "Foster"),
    *("Fox", "Gibson", "Gordon", "Graham", "Grant", "Gray", "Green", "Griffiths", "Hall"),
    *("Hamilton", "Harris", "Harrison", "Hart", "Hill", "Holmes", "Hughes", "Hunt", "Jackson"),
    *("James", "Jenkins", "Johnson", "Jones", "Kelly", "Kennedy", "King", "Knight", "Lamb"),
    *("Lewis", "Lloyd", "Loughton", "Marshall", "Martin", "Mason", "Matthews", "Miller"),
    *("Mitchell", "Moore", "Morgan", "Morris", "Munn", "Murphy", "Murray", "Owen", "Palmer"),
    *("Parker", "Perkins", "Perry", "Phillips", "Powell", "Price", "Reid", "Reynolds"),
    *("Richards", "Richardson", "Roberts", "Robertson", "Robinson", "Rogers", "Russell"),
    *("Scott", "Shaw", "Sheerman", "Simpson", "Smith", "Spencer", "Stewart", "Stone", "Tami"),
    *("Taylor", "Thomas", "Thompson", "Timpson", "Turner", "Walker", "Wallace", "Ward"),
    *("Watson", "Webb", "Wells", "White", "Wilkinson", "Williams", "Wilson", "Wood", "Wright"),
    *("Young", "Ahmed", "Begum", "Chaudhry", "Dhesi", "Khan", "Patel", "Shah", "Singh"),
)
PLACE_STEMS = (
    *("Ash", "Bar", "Bex", "Black", "Brad", "Bridg", "Broms", "Burn", "Cam", "Castle", "Chel"),
    *("Chester", "Col", "Cran", "Dar", "Don", "Dun", "East", "Ever", "Fal", "Farn", "Glou"),
    *("Grim", "Hal", "Har", "Hast", "Hen", "Hex", "Hud", "Ips", "Ken", "King", "Lan", "Leo"),
    *("Lich", "Mal", "Mans", "Mar", "Mid", "Mor", "New", "North", "Nor", "Old", "Pen", "Pon"),
    *("Red", "Rich", "Roch", "Rom", "Rother", "Salt", "Sand", "Scar", "Shef", "Shrews"),
    *("South", "Stan", "Stock", "Stour", "Stow", "Sud", "Swin", "Tam", "Tew", "Thorn", "Tyne"),
    *("Wal", "Wake", "Wat", "Wel", "West", "Whit", "Wim", "Win", "Wor", "Yeo"),
)
PLACE_ENDINGS = (
    *("borough", "bridge", "bury", "by", "caster", "combe", "dale", "den", "field", "ford"),
    *("gate", "ham", "hampton", "hill", "hurst", "ing", "ley", "mere", "minster", "mouth"),
    *("port", "stead", "stoke", "ton", "wich", "wick", "worth"),
)
COMPASS = ("North", "South", "East", "West", "North West", "North East", "South West", "Central")
PEERAGE_TITLES = (("Lord", 58), ("Baroness", 32), ("Viscount", 4), ("Earl", 5), ("Marquess", 1))

COMMONS_PARTIES = (
    *(("Conservative", 40), ("Labour", 36), ("Labour (Co-op)", 4), ("Liberal Democrat", 8)),
    *(("Scottish National Party", 5), ("Democratic Unionist Party", 1.5), ("Liberal", 1.5)),
    *(("Plaid Cymru", 0.7), ("Social Democratic and Labour Party", 0.6), ("Independent", 1)),
    *(("Ulster Unionist Party", 0.6), ("Green Party", 0.3), ("Alliance", 0.2)),
    *(("Reform UK", 0.3), ("Social Democratic Party", 0.3), ("UK Independence Party", 0.1)),
    *(("Alba Party", 0.1), ("Respect", 0.1)),
)
LORDS_PARTIES = (
    *(("Conservative", 30), ("Labour", 22), ("Liberal Democrat", 10), ("Crossbench", 22)),
    *(("Bishops", 3), ("Non-affiliated", 5), ("Democratic Unionist Party", 0.5)),
    *(("Ulster Unionist Party", 0.5), ("Green Party", 0.3), ("Plaid Cymru", 0.3)),
)
PARTY_BY_NAME: dict[str, PartyName] = {party.name: party for party in PARTIES}


def place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_STEMS) + rng.choice(PLACE_ENDINGS)


def constituency_name(rng: random.Random) -> str:
    """A place-like seat: "Ashford", "Wakeley North", "Barton and Stanham", "Dunby, Hexley"."""
    form = rng.random()
    if form < 0.45:
        return place_name(rng)
    if form < 0.7:
        return f"{place_name(rng)} {rng.choice(COMPASS)}"
    if form < 0.85:
        return f"{place_name(rng)} and {place_name(rng)}"
    return f"{place_name(rng)}, {place_name(rng)}"


def _weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    names, weights = zip(*choices, strict=True)
    return rng.choices(names, weights=weights)[0]


@dataclass(frozen=True)
class SpeakerPlan:
    name: str
    slug: str
    house: str
    party: PartyName
    constituency: str
    # Forms Hansard prints at a speech: "Tim Loughton", "Mr Loughton", "Mr Tim Loughton".
    printed_names: tuple[str, ...]
    # How often they speak relative to others: a few members speak far more than most.
    activity: float


def planned_slug(base: str, taken: set[str], *, max_length: int) -> str:
    """What models.unique_slug gives ("munro-report", then "munro-report-2"), checked
    against the slugs planned so far instead of the database, and recorded in ``taken``."""
    stem = slugify(base)[:max_length].strip("-") or "untitled"
    candidate = stem
    for number in itertools.count(2):
        if candidate not in taken:
            break
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def plan_speakers(rng: random.Random, count: int) -> list[SpeakerPlan]:
    slugs: set[str] = set()
    plans = []
    for _ in range(count):
        house = House.COMMONS if rng.random() < 0.62 else House.LORDS
        if house == House.COMMONS:
            name, printed, constituency, party = _member_of_parliament(rng)
        else:
            name, printed, party = _peer(rng)
            constituency = ""
        slug = planned_slug(name, slugs, max_length=190)
        plans.append(
            SpeakerPlan(
                name=name,
                slug=slug,
                house=house,
                party=PARTY_BY_NAME[party],
                constituency=constituency,
                printed_names=printed,
                activity=rng.lognormvariate(0, 1.2),
            )
        )
    return plans


def _member_of_parliament(rng: random.Random) -> tuple[str, tuple[str, ...], str, str]:
    female = rng.random() < 0.35
    first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.06:
        surname = f"{rng.choice(SURNAMES)}-{surname}"
    name = f"{first} {surname}"
    if female:
        honorific = _weighted(rng, (("Mrs", 45), ("Ms", 35), ("Miss", 8), ("Dr", 7), ("Dame", 5)))
    else:
        honorific = _weighted(rng, (("Mr", 85), ("Dr", 6), ("Sir", 9)))
    if honorific in ("Sir", "Dame"):
        printed = (name, f"{honorific} {name}")
    else:
        printed = (name, f"{honorific} {surname}", f"{honorific} {name}")
    return name, printed, constituency_name(rng), _weighted(rng, COMMONS_PARTIES)


def _peer(rng: random.Random) -> tuple[str, tuple[str, ...], str]:
    party = _weighted(rng, LORDS_PARTIES)
    if party == "Bishops":
        name = f"The Lord Bishop of {place_name(rng)}"
        return name, (name,), party
    title = _weighted(rng, PEERAGE_TITLES)
    name = f"{title} {rng.choice(SURNAMES)}"
    if rng.random() < 0.6:
        name = f"{name} of {place_name(rng)}"
    return name, (name,), party


# Debates ----------------------------------------------------------------------------------

DEPARTMENTS = (
    ("Department for Education", "Education"),
    ("Home Office", "the Home Department"),
    ("Department of Health and Social Care", "Health and Social Care"),
    ("Ministry of Justice", "Justice"),
    ("Department for Work and Pensions", "Work and Pensions"),
    ("Ministry of Housing, Communities and Local Government", "Housing and Communities"),
    ("Department for Digital, Culture, Media and Sport", "Digital, Culture, Media and Sport"),
    ("Cabinet Office", "the Cabinet Office"),
    ("HM Treasury", "the Treasury"),
    ("Department for Transport", "Transport"),
    ("Ministry of Defence", "Defence"),
    ("Foreign, Commonwealth and Development Office", "Foreign Affairs"),
)
MINISTER_ROLES = (
    "The Secretary of State for {subject}",
    "The Minister of State, {department}",
    "The Parliamentary Under-Secretary of State for {subject}",
)
SAFEGUARDING_SUBJECTS = (
    *("Safeguarding Children", "Child Protection", "Serious Case Reviews", "Children's Homes"),
    *("Children's Social Care", "Looked-after Children", "Child Sexual Exploitation"),
    *("Munro Review of Child Protection", "Children and Families", "Adoption and Fostering"),
    *("Care Leavers", "Child Poverty", "Early Intervention", "Social Work", "Family Courts"),
    *("Local Safeguarding Children Boards", "Children's Services", "Youth Justice"),
    *("Online Safety", "Independent Inquiry into Child Sexual Abuse", "Domestic Abuse"),
    *("Missing Children", "Female Genital Mutilation", "Child Trafficking", "Childcare"),
    *("Children's Mental Health", "Unaccompanied Asylum-Seeking Children", "Child Neglect"),
)
GENERAL_SUBJECTS = (
    *("Business of the House", "Education", "Schools Funding", "Local Government Finance"),
    *("Police Funding", "NHS Workforce", "Housing", "Welfare Reform", "Prisons", "Immigration"),
    *("Public Health", "Mental Health Services", "Further Education", "Apprenticeships"),
    *("Sure Start", "Legal Aid", "Universal Credit", "Policing and Crime", "Road Safety"),
    *("Rural Communities", "Skills and Employment", "Children and Young Persons"),
    *("Health and Social Care", "Courts and Tribunals", "Academies", "School Transport"),
)
HISTORICAL_SUBJECTS = (
    *("Poor Law Amendment", "Factories", "Children's Employment", "Elementary Education"),
    *("Infant Life Protection", "Prevention of Cruelty to Children", "Reformatory Schools"),
    *("Industrial Schools", "Workhouse Children", "Juvenile Offenders", "Chimney Sweepers"),
    *("Mines and Collieries", "Supply", "Ways and Means", "Army Estimates", "Navy Estimates"),
    *("Boarding-out of Pauper Children", "Children", "Public Health", "Licensing"),
)
# Where business takes place, with the year each place began sitting.
LOCATIONS = {
    House.COMMONS: (
        ("Commons Chamber", 1803, 60),
        ("Westminster Hall", 1999, 20),
        ("Public Bill Committees", 2006, 12),
        ("General Committees", 2006, 8),
    ),
    House.LORDS: (("Lords Chamber", 1803, 80), ("Grand Committee", 1995, 20)),
}
KINDS_BY_LOCATION = {
    "Commons Chamber": (
        *(("", 30), ("bill", 20), ("oral answers", 15), ("urgent question", 6)),
        *(("statement", 10), ("adjournment", 12), ("general debate", 7)),
    ),
    "Westminster Hall": (("", 40), ("general debate", 40), ("petition", 20)),
    "Public Bill Committees": (("bill", 100),),
    "General Committees": (("delegated legislation", 100),),
    "Lords Chamber": (
        *(("", 30), ("bill", 30), ("oral questions", 20), ("statement", 10)),
        ("question for short debate", 10),
    ),
    "Grand Committee": (("bill", 60), ("", 40)),
}
# Column suffixes Hansard prints for business outside the chambers.
COLUMN_SUFFIXES = {"Westminster Hall": "WH", "Grand Committee": "GC"}
# Committee debates are printed in their own series, cited without a volume.
UNNUMBERED_LOCATIONS = ("Public Bill Committees", "General Committees")


@dataclass
class DebatePlan:
    title: str
    slug: str
    date: datetime.date
    house: str
    location: str
    department: str
    minister_role: str
    kind: str
    session: str
    source_url: str
    contribution_count: int
    first_column: int
    # Topics most of its tagged speeches are about: a debate is about something.
    themes: tuple[int, int]


def plan_debates(
    rng: random.Random, count: int, contributions: int, topic_count: int
) -> list[DebatePlan]:
    sizes = _debate_sizes(rng, count, contributions)
    taken: set[tuple] = set()
    slugs: set[str] = set()
    plans = []
    for size in sizes:
        house = House.COMMONS if rng.random() < 0.65 else House.LORDS
        date = _sitting_day(rng)
        places = [(name, weight) for name, since, weight in LOCATIONS[house] if date.year >= since]
        location = _weighted(rng, places)
        kind = _weighted(rng, KINDS_BY_LOCATION[location])
        department, minister_role = "", ""
        # Hansard names the answering department for modern business only.
        if date.year >= 1990 and rng.random() < 0.8:
            department, subject = rng.choice(DEPARTMENTS)
            template = rng.choice(MINISTER_ROLES)
            minister_role = template.format(subject=subject, department=department)
        title = _title(rng, date, kind)
        # One item of business per sitting, place and title, as Hansard numbers repeats.
        for number in itertools.count(2):
            if (date, house, location, title) not in taken:
                break
            title = f"{title.removesuffix(f' (No. {number - 1})')} (No. {number})"
        taken.add((date, house, location, title))
        slug = planned_slug(f"{date.isoformat()} {title}", slugs, max_length=110)
        plans.append(
            DebatePlan(
                title=title,
                slug=slug,
                date=date,
                house=house,
                location=location,
                department=department,
                minister_role=minister_role,
                kind=kind,
                session=session_of(date),
                source_url=_source_url(rng, house, date, title),
                contribution_count=size,
                first_column=rng.randint(1, 1400),
                themes=(rng.randrange(topic_count), rng.randrange(topic_count)),
            )
        )
    # Written in the order listings read them, so the sort_key index grows at its end.
    plans.sort(key=lambda plan: (plan.date, plan.slug))
    return plans


def _debate_sizes(rng: random.Random, count: int, contributions: int) -> list[int]:
    """Every debate gets one speech, the rest fall by a skewed weight: a few long debates,
    many short ones."""
    weights = [rng.lognormvariate(0, 1.0) for _ in range(count)]
    sizes = [1] * count
    for index in rng.choices(range(count), weights=weights, k=contributions - count):
        sizes[index] += 1
    return sizes


def _sitting_day(rng: random.Random) -> datetime.date:
    span = LAST_YEAR - FIRST_YEAR + 1
    # Inverse of the exponential growth curve's cumulative share of sittings.
    offset = math.log1p(rng.random() * math.expm1(YEAR_GROWTH * span)) / YEAR_GROWTH
    year = FIRST_YEAR + min(span - 1, int(offset))
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    # Parliament sits on weekdays; weekends move to the nearest one.
    if day.weekday() == 5:
        day -= datetime.timedelta(days=1)
    elif day.weekday() == 6:
        day += datetime.timedelta(days=1)
    return day


def session_of(date: datetime.date) -> str:
    """The parliamentary session, taken to open each November: "2009-10", "1999-2000"."""
    start = date.year if date.month >= 11 else date.year - 1
    end = str(start + 1)
    return f"{start}-{end[2:] if end[:2] == str(start)[:2] else end}"


def _title(rng: random.Random, date: datetime.date, kind: str) -> str:
    if date.year < 1900 or (date.year < 1945 and rng.random() < 0.5):
        subject = rng.choice(HISTORICAL_SUBJECTS)
    elif rng.random() < 0.4:
        subject = rng.choice(SAFEGUARDING_SUBJECTS)
    else:
        subject = rng.choice(GENERAL_SUBJECTS)
    if kind == "bill":
        return f"{subject} Bill" + (" [Lords]" if rng.random() < 0.15 else "")
    if kind in ("adjournment", "petition", "general debate") and rng.random() < 0.5:
        return f"{subject} ({place_name(rng)})"
    if kind == "delegated legislation":
        return f"Draft {subject} Regulations {date.year}"
    return subject


def _source_url(rng: random.Random, house: str, date: datetime.date, title: str) -> str:
    if date.year < 1900 or rng.random() >= SOURCE_URL_SHARE:
        return ""
    guid = f"{rng.getrandbits(128):032X}"
    guid = f"{guid[:8]}-{guid[8:12]}-{guid[12:16]}-{guid[16:20]}-{guid[20:]}"
    words = "".join(word.capitalize() for word in re.findall(r"\w+", title))
    return f"https://hansard.parliament.uk/{house.capitalize()}/{date}/debates/{guid}/{words}"


def volume_of(house: str, year: int) -> int:
    """A plausible Hansard volume for a year, counting from the start of each series."""
    series = (
        ((1803, 2), (1820, 4), (1830, 6), (1892, 12), (1909, 14), (1981, 17))
        if house == House.COMMONS
        else ((1803, 2), (1820, 4), (1830, 6), (1892, 12), (1909, 7))
    )
    start, per_year = next((s, n) for s, n in reversed(series) if year >= s)
    return (year - start) * per_year + 1


def column_range(first: int, last: int) -> str:
    """Hansard's abbreviated column span: 185-6, 199-200, 1209-10."""
    if first == last:
        return str(first)
    start, end = str(first), str(last)
    if len(start) == len(end):
        shared = 0
        while shared < len(end) - 1 and start[shared] == end[shared]:
            shared += 1
        end = end[shared:]
    return f"{start}-{end}"


# Speeches ---------------------------------------------------------------------------------

COMMONS_OPENINGS = (
    "I thank the hon. Member for {seat} ({member}) for securing this debate.",
    "I congratulate the hon. Member for {seat} ({member}) on raising this important issue.",
    "The hon. Member for {seat} ({member}) makes a good point.",
    "I am grateful to the hon. Member for {seat} ({member}) for giving way.",
    "Does the Minister agree that this matters to every family in the country?",
    "Will my right hon. Friend give way?",
    "The hon. Gentleman is absolutely right.",
    "The hon. Lady makes a fair point.",
    "I beg to move, That this House has considered {title}.",
)
LORDS_OPENINGS = (
    "My Lords, I thank the noble Lord for that question.",
    "My Lords, I am grateful to the noble Baroness for securing this debate.",
    "My Lords, the noble Lord makes an important point.",
    "My Lords, I beg to move that this Bill be now read a second time.",
    "My Lords, I declare my interests as set out in the register.",
)
PROCEDURAL_LINES = (
    "Question put and agreed to.",
    "Question put and negatived.",
    "Bill read a Second time.",
    "Amendment, by leave, withdrawn.",
    "Clause 1 ordered to stand part of the Bill.",
    "Motion agreed to.",
    "Ordered, That the Bill be now read a Second time.",
    "Resolved, That the draft Regulations be approved.",
)


@dataclass(frozen=True)
class TopicTag:
    topic_index: int
    phrase: str


class SpeechWriter:
    """Paragraphs of Hansard-like words, with each tagged topic's phrase worked in."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random):
        self.vocabulary = vocabulary
        self.rng = rng

    def paragraphs(self, opening: str, phrases: Sequence[str], procedural: bool) -> list[dict]:
        rng = self.rng
        words = max(8, int(rng.lognormvariate(WORDS_MU, WORDS_SIGMA)))
        count = max(1, min(8, round(words / rng.uniform(60, 120))))
        sizes = [max(5, words // count + rng.randint(-15, 15)) for _ in range(count)]
        sentences = [self._sentences(size) for size in sizes]
        # The first paragraph is always the member's own words; later ones may quote.
        quoted = [index > 0 and rng.random() < QUOTATION_SHARE for index in range(count)]
        spoken = [index for index in range(count) if not quoted[index]]
        for phrase in phrases:
            sentence = rng.choice(sentences[rng.choice(spoken)])
            # One token, so a later phrase never lands inside it; never first or last, so
            # capitals and full stops stay where they belong.
            sentence.insert(rng.randrange(1, len(sentence)), phrase)
        texts = [" ".join(" ".join(sentence) for sentence in paragraph) for paragraph in sentences]
        if opening:
            texts[0] = f"{opening} {texts[0]}"
        paragraphs = [
            {"kind": "quotation", "text": f"“{text}”"}
            if quoted[index]
            else {"kind": "speech", "text": text}
            for index, text in enumerate(texts)
        ]
        if procedural:
            paragraphs.append({"kind": "procedural", "text": rng.choice(PROCEDURAL_LINES)})
        return paragraphs

    def _sentences(self, words: int) -> list[list[str]]:
        """Sentences as lists of words, punctuated: a capital, perhaps a comma, a stop."""
        rng = self.rng
        tokens = self.vocabulary.sample(rng, words)
        sentences, start = [], 0
        while start < len(tokens):
            length = max(4, min(60, int(rng.lognormvariate(2.9, 0.45))))
            if len(tokens) - start - length < 4:
                length = len(tokens) - start
            sentence = tokens[start : start + length]
            start += length
            if length > 8 and rng.random() < 0.4:
                sentence[rng.randrange(3, length - 3)] += ","
            sentence[0] = sentence[0][0].upper() + sentence[0][1:]
            sentence[-1] += "?" if rng.random() < 0.1 else "."
            sentences.append(sentence)
        return sentences


def opening_sentence(
    rng: random.Random, debate: DebatePlan, cast: Sequence[SpeakerPlan], speaker: SpeakerPlan
) -> str:
    if rng.random() >= 0.35:
        return ""
    if debate.house == House.LORDS:
        return rng.choice(LORDS_OPENINGS)
    template = rng.choice(COMMONS_OPENINGS)
    others = [member for member in cast if member is not speaker and member.constituency]
    if "{seat}" in template and not others:
        return ""
    other = rng.choice(others) if others else speaker
    return template.format(
        seat=other.constituency, member=other.printed_names[-1], title=debate.title.lower()
    )


# Contributions ----------------------------------------------------------------------------


@dataclass
class ContributionPlan:
    debate: DebatePlan
    sequence: int
    speaker: SpeakerPlan
    display_name: str
    role: str
    paragraphs: list[dict]
    column_reference: str
    source_uri: str
    fingerprint: str
    key: str
    tags: list[TopicTag]


class ContributionPlanner:
    """Plans each debate's speeches in turn: who speaks, what they say, where it is printed."""

    def __init__(
        self,
        rng: random.Random,
        speakers: Sequence[SpeakerPlan],
        topics: Sequence[TopicDefinition],
        vocabulary: Vocabulary,
    ):
        self.rng = rng
        self.topics = topics
        self.writer = SpeechWriter(vocabulary, rng)
        self.pools: dict[str, tuple[list[SpeakerPlan], list[float]]] = {}
        for house in House.values:
            # A tiny corpus may draw no peers (or no MPs): then anyone speaks anywhere.
            pool = [speaker for speaker in speakers if speaker.house == house] or list(speakers)
            weights = list(itertools.accumulate(speaker.activity for speaker in pool))
            self.pools[house] = (pool, weights)
        self.keys: set[str] = set()
        self.planned = 0

    def contributions(self, debate: DebatePlan) -> Iterator[ContributionPlan]:
        rng = self.rng
        cast = self._cast(debate)
        column_words = 0
        for sequence in range(1, debate.contribution_count + 1):
            self.planned += 1
            # The minister or mover opens and answers; others take turns in between.
            speaker = cast[0] if sequence == 1 or rng.random() < 0.4 else rng.choice(cast)
            tags = self._tags(debate)
            procedural = rng.random() < PROCEDURAL_SHARE or (
                debate.kind == "bill" and sequence == debate.contribution_count
            )
            opening = opening_sentence(rng, debate, cast, speaker)
            phrases = [tag.phrase for tag in tags]
            while True:
                paragraphs = self.writer.paragraphs(opening, phrases, procedural)
                # The importer's own identity, so importing the same words finds this row.
                parsed = ParsedContribution(
                    speaker=ParsedSpeaker(speaker.name),
                    display_name=speaker.name,
                    role=None,
                    paragraphs=tuple(ParsedParagraph(p["text"]) for p in paragraphs),
                )
                fingerprint = contribution_fingerprint(debate, parsed)
                key = contribution_key(debate, fingerprint)
                # Ten hex digits on one sitting day of one House: a clash is all but
                # impossible, but a key must be unique, so new words are drawn if it comes.
                if key not in self.keys:
                    self.keys.add(key)
                    break
            word_count = sum(p["text"].count(" ") + 1 for p in paragraphs)
            first_column = debate.first_column + column_words // WORDS_PER_COLUMN
            column_words += word_count
            last_column = debate.first_column + column_words // WORDS_PER_COLUMN
            yield ContributionPlan(
                debate=debate,
                sequence=sequence,
                speaker=speaker,
                display_name=rng.choice(speaker.printed_names),
                role=debate.minister_role if speaker is cast[0] else "",
                paragraphs=paragraphs,
                column_reference=self._column_reference(debate, first_column, last_column),
                source_uri=self._source_uri(debate),
                fingerprint=fingerprint,
                key=key,
                tags=tags,
            )

    def _cast(self, debate: DebatePlan) -> list[SpeakerPlan]:
        pool, weights = self.pools[debate.house]
        size = min(debate.contribution_count, self.rng.randint(2, 14))
        drawn = self.rng.choices(pool, cum_weights=weights, k=size)
        return list(dict.fromkeys(drawn))

    def _tags(self, debate: DebatePlan) -> list[TopicTag]:
        rng = self.rng
        if rng.random() >= TAGGED_SHARE:
            return []
        count = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        chosen: dict[int, TopicTag] = {}
        for _ in range(count):
            index = (
                rng.choice(debate.themes) if rng.random() < 0.7 else rng.randrange(len(self.topics))
            )
            if index not in chosen:
                chosen[index] = TopicTag(index, rng.choice(self.topics[index].phrases))
        return list(chosen.values())

    def _column_reference(self, debate: DebatePlan, first: int, last: int) -> str:
        if debate.location in UNNUMBERED_LOCATIONS or self.rng.random() >= COLUMN_REFERENCE_SHARE:
            return ""
        volume = volume_of(debate.house, debate.date.year)
        suffix = COLUMN_SUFFIXES.get(debate.location, "")
        return f"{volume} c{column_range(first, last)}{suffix}"

    def _source_uri(self, debate: DebatePlan) -> str:
        if debate.date.year < 2000 or self.rng.random() >= SOURCE_URI_SHARE:
            return ""
        # Numbered in planning order from a made-up base: unique, as the constraint needs.
        return f"http://data.parliament.uk/pimsdata/hansard/CONTRIBUTION_{self.planned + 10**6}"


# Writing the archive ----------------------------------------------------------------------


class CorpusError(Exception):
    """The corpus cannot be written here; the message says why and what to do."""


@dataclass(frozen=True)
class GenerationReport:
    contributions: int
    debates: int
    speakers: int
    topic_tags: int
    seconds: float

    @property
    def summary(self) -> str:
        """ "1,000,000 contributions in 180.2 s (5,549/s)"."""
        rate = self.contributions / self.seconds if self.seconds else 0.0
        return f"{self.contributions:,} contributions in {self.seconds:.1f} s ({rate:,.0f}/s)"


def existing_archive_rows() -> dict[str, int]:
    """Rows that would clash with a generated corpus (slugs, keys), by kind; empty if none."""
    counts = {
        "debates": Debate.objects.count(),
        "contributions": Contribution.objects.count(),
        "speakers": Speaker.objects.count(),
    }
    return {label: count for label, count in counts.items() if count}


_FTS_TRIGGERS = [s for s in search_migration.SQLITE_FORWARD if "CREATE TRIGGER" in s]
_FTS_TRIGGER_DROPS = [s for s in search_migration.SQLITE_BACKWARD if "DROP TRIGGER" in s]
_FTS_REBUILD = next(s for s in search_migration.SQLITE_FORWARD if "'rebuild'" in s)

# Filled by the load: every index and constraint on them but the primary key is set aside
# and made again after it.
LOADED_MODELS = (Contribution, ContributionTopic, Debate.topics.through)


def compress_rows_quickly() -> None:
    """PostgreSQL compresses each ~5 kB row (words, paragraphs, tsvector) as it stores it;
    lz4, where the server has it, does that several times faster than the default pglz.
    For this transaction only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def set_indexes_aside() -> list[str]:
    """Stop maintaining the loaded tables' indexes row by row; returns the statements that
    make them again, for ``restore_indexes`` once the rows are in.

    One build over a finished table sorts its entries once; an index maintained row by row
    takes a b-tree (or GIN) insert per row, at random places for keys and fingerprints.
    PostgreSQL: every index, unique constraint and foreign key but the primary keys (each
    foreign key is then checked in one join instead of a trigger a row), the full-text GIN
    index among them. SQLite: the indexes it lets go of (a column's UNIQUE stays), and the
    triggers that tokenise each row into FTS5, rebuilt by one 'rebuild' instead.
    Call inside the loading transaction, so a failed load puts everything back as it was.
    """
    tables = [model._meta.db_table for model in LOADED_MODELS]
    drops, restores = [], []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _check_pending_constraints(cursor)
            # Foreign keys first (they depend on unique indexes), then unique constraints,
            # then plain indexes; made again in the opposite order.
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
                ORDER BY contype, conname""",
                [tables],
            )
            for table, name, definition in cursor.fetchall():
                drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restores.insert(0, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
                AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)
                ORDER BY 1""",
                [tables],
            )
            for name, definition in cursor.fetchall():
                drops.append(f"DROP INDEX {name}")
                restores.insert(0, definition)
        elif connection.vendor == "sqlite":
            placeholders = ", ".join("%s" for _ in tables)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({placeholders}) ORDER BY name",
                tables,
            )
            for name, definition in cursor.fetchall():
                drops.append(f'DROP INDEX "{name}"')
                restores.append(definition)
            drops += _FTS_TRIGGER_DROPS
            restores += [_FTS_REBUILD, *_FTS_TRIGGERS]
        for statement in drops:
            cursor.execute(statement)
    return restores


def restore_indexes(statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _check_pending_constraints(cursor)
            # Index builds sort in memory; the 64MB default spills a GIN build to disk.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


def _check_pending_constraints(cursor) -> None:
    """Django's foreign keys are checked at commit; PostgreSQL will not index or alter a
    table with checks pending, so the pending ones run now (as Django's migrations do) and
    later ones wait for the commit again."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


PLAIN_VALUES = frozenset({str, int, type(None)})


def database_values(fields: Sequence[Field], rows: Iterable[Sequence]) -> list[list]:
    """Each row's values as the database driver takes them: strings, numbers and None as
    they are, anything else (the paragraphs' JSON) as the field would send it."""
    return [
        [
            value if type(value) in PLAIN_VALUES else field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]


def insert_rows(model: type[Model], fields: Sequence[Field], values: Sequence[Sequence]) -> None:
    """Insert rows of ``database_values`` as they are (no save(), no signals, no ids back):
    PostgreSQL's COPY, else one prepared statement for every row. Several times faster than
    bulk_create, which builds, and on PostgreSQL plans, one large statement a batch."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join("%s" for _ in fields)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


CONTRIBUTION_FIELDS = Contribution._meta.concrete_fields
TAG_FIELDS = [
    ContributionTopic._meta.get_field(name)
    for name in ("contribution", "topic", "provenance", "matched_phrase")
]
DEBATE_TOPIC_FIELDS = [Debate.topics.through._meta.get_field(name) for name in ("debate", "topic")]


@dataclass
class RowBatch:
    """A batch of planned contributions as the rows that store them, ready to insert."""

    contributions: list[list]  # values of CONTRIBUTION_FIELDS
    tags: list[list]  # values of TAG_FIELDS
    debate_topics: set[tuple[int, int]]  # (debate id, topic id) of each tag
    datasette: list[tuple]  # DatasetteWriter's contributions rows


class RowBuilder:
    """Turns planned contributions into rows, numbering them from 1: the table is empty,
    and the tags need the ids without a round trip for them. Needs no database, so it can
    run beside the writes (``planned_in_background``)."""

    def __init__(self, speakers: dict[str, Speaker], debates: dict[str, Debate], topics):
        self.speakers, self.debates, self.topics = speakers, debates, topics
        self.contributions = 0

    def rows(self, plans: Sequence[ContributionPlan]) -> RowBatch:
        batch = RowBatch([], [], set(), [])
        contributions = []
        for plan in plans:
            speaker = self.speakers[plan.speaker.slug]
            debate = self.debates[plan.debate.slug]
            self.contributions += 1
            row = Contribution(
                pk=self.contributions,
                key=plan.key,
                debate=debate,
                sequence=plan.sequence,
                speaker=speaker,
                display_name=plan.display_name,
                role=plan.role,
                party=speaker.party,
                paragraphs=plan.paragraphs,
                column_reference=plan.column_reference,
                source_uri=plan.source_uri,
                fingerprint=plan.fingerprint,
            )
            row.derive_fields()  # save() would; rows are inserted without it
            contributions.append([field.value_from_object(row) for field in CONTRIBUTION_FIELDS])
            for tag in plan.tags:
                topic = self.topics[tag.topic_index]
                batch.tags.append([row.pk, topic.pk, ContributionTopic.Provenance.RULE, tag.phrase])
                batch.debate_topics.add((debate.pk, topic.pk))
            batch.datasette.append(
                (row.pk, row.key, debate.date.isoformat(), debate.house, debate.location)
                + (debate.title, debate.slug, speaker.name, speaker.slug)
                + (speaker.party.name if speaker.party else "", row.column_reference)
                + (row.citation, row.search_text, row.sort_key)
            )
        batch.contributions = database_values(CONTRIBUTION_FIELDS, contributions)
        batch.tags = database_values(TAG_FIELDS, batch.tags)
        return batch


class PlanningFailed(CorpusError):
    """The planning process stopped with an error; the message carries its traceback."""


def planned_in_background(batches: Callable[[], Iterator[RowBatch]]) -> Iterator[RowBatch]:
    """What ``batches()`` yields, made in a child process that runs a few batches ahead, so
    the planning (Python) and the writing (mostly the database server's work) each have a
    core. In this process where there is one core or no fork(); the same rows either way,
    since one planner plans them in the same order."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from batches()
        return
    context = multiprocessing.get_context("fork")
    made = context.Queue(maxsize=4)

    def plan() -> None:
        try:
            for batch in batches():
                made.put(batch)
            made.put(None)
        except BaseException:
            made.put(PlanningFailed(traceback.format_exc()))

    # Forked after the speakers and debates are written: the child has their ids, and
    # never touches the database connection it inherits.
    planner = context.Process(target=plan, name="corpus planner", daemon=True)
    planner.start()
    try:
        while True:
            try:
                batch = made.get(timeout=1)
            except queue.Empty:
                if not planner.is_alive():
                    raise PlanningFailed(
                        f"the planning process stopped (exit code {planner.exitcode})"
                    ) from None
                continue
            if batch is None:
                return
            if isinstance(batch, PlanningFailed):
                raise batch
            yield batch
    finally:
        if planner.is_alive():
            planner.terminate()
        planner.join()


class ArchiveWriter:
    """Writes planned rows in bulk: no per-row queries, no signals."""

    def __init__(self, batch_size: int):
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CorpusError(
                f"{connection.vendor} does not return ids from bulk inserts; generate the "
                "corpus on PostgreSQL or SQLite 3.35 or later."
            )
        self.batch_size = batch_size
        self.parties: dict[str, Party] = {}
        self.topics: list[Topic] = []
        self.speakers: dict[str, Speaker] = {}
        self.debates: dict[str, Debate] = {}
        self.debate_topics: set[tuple[int, int]] = set()

    def write_parties(self, parties: Sequence[PartyName]) -> None:
        existing = {party.name: party for party in Party.objects.all()}
        missing = [
            Party(name=party.name, short_name=party.short_name, slug=slugify(party.name))
            for party in dict.fromkeys(parties)
            if party.name not in existing
        ]
        Party.objects.bulk_create(missing)
        self.parties = existing | {party.name: party for party in missing}

    def write_topics(self, definitions: Sequence[TopicDefinition]) -> None:
        """The curated vocabulary, created where missing, in the vocabulary's order."""
        existing = {topic.slug: topic for topic in Topic.objects.all()}
        missing = [
            Topic(slug=d.slug, name=d.name, description=d.description)
            for d in definitions
            if d.slug not in existing
        ]
        existing |= {topic.slug: topic for topic in Topic.objects.bulk_create(missing)}
        for definition in definitions:
            if definition.parent and definition.parent in existing:
                Topic.objects.filter(slug=definition.slug).update(
                    parent=existing[definition.parent]
                )
        self.topics = [existing[d.slug] for d in definitions]

    def write_speakers(self, plans: Sequence[SpeakerPlan]) -> None:
        speakers = Speaker.objects.bulk_create(
            [
                Speaker(
                    name=plan.name,
                    slug=plan.slug,
                    house=plan.house,
                    party=self.parties[plan.party.name],
                    constituency=plan.constituency,
                )
                for plan in plans
            ],
            batch_size=self.batch_size,
        )
        self.speakers = {speaker.slug: speaker for speaker in speakers}
        SpeakerName.objects.bulk_create(
            [
                SpeakerName(speaker=self.speakers[plan.slug], name=form)
                for plan in plans
                for form in plan.printed_names
            ],
            batch_size=self.batch_size,
        )

    def write_debates(self, plans: Sequence[DebatePlan]) -> None:
        debates = Debate.objects.bulk_create(
            [
                Debate(
                    title=plan.title,
                    slug=plan.slug,
                    date=plan.date,
                    house=plan.house,
                    location=plan.location,
                    department=plan.department,
                    kind=plan.kind,
                    session=plan.session,
                    source_url=plan.source_url,
                )
                for plan in plans
            ],
            batch_size=self.batch_size,
        )
        self.debates = {debate.slug: debate for debate in debates}

    def write_contributions(self, batch: RowBatch) -> None:
        insert_rows(Contribution, CONTRIBUTION_FIELDS, batch.contributions)
        insert_rows(ContributionTopic, TAG_FIELDS, batch.tags)
        self.debate_topics |= batch.debate_topics

    def write_debate_topics(self) -> None:
        """Each debate's topics: the union of its contributions' topics."""
        insert_rows(Debate.topics.through, DEBATE_TOPIC_FIELDS, sorted(self.debate_topics))

    def finish(self) -> None:
        """Move the id sequence past the ids given here, as if the database had given them."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Contribution]):
                cursor.execute(statement)


# Writing the Datasette file ---------------------------------------------------------------

DATASETTE_SCHEMA = (
    """CREATE TABLE [speakers] (
        [id] INTEGER PRIMARY KEY, [slug] TEXT NOT NULL UNIQUE, [name] TEXT, [house] TEXT,
        [party] TEXT, [constituency] TEXT
    )""",
    """CREATE TABLE [debates] (
        [id] INTEGER PRIMARY KEY, [slug] TEXT NOT NULL UNIQUE, [title] TEXT, [date] TEXT,
        [house] TEXT, [location] TEXT, [department] TEXT, [kind] TEXT, [session] TEXT
    )""",
    # An INTEGER PRIMARY KEY, not the text key: FTS5 content tables follow rowids, which
    # VACUUM may renumber in a table without one.
    """CREATE TABLE [contributions] (
        [id] INTEGER PRIMARY KEY, [key] TEXT NOT NULL UNIQUE, [date] TEXT, [house] TEXT,
        [location] TEXT, [debate_title] TEXT, [debate_slug] TEXT, [speaker] TEXT,
        [speaker_slug] TEXT, [party] TEXT, [column_reference] TEXT, [citation] TEXT,
        [text] TEXT, [sort_key] TEXT
    )""",
)
# Built after the rows are in: one sort per index instead of a b-tree insert per row.
DATASETTE_INDEXES = (
    "CREATE INDEX [idx_contributions_house] ON [contributions] ([house])",
    "CREATE INDEX [idx_contributions_party] ON [contributions] ([party])",
    "CREATE INDEX [idx_contributions_speaker_slug] ON [contributions] ([speaker_slug])",
    "CREATE INDEX [idx_contributions_date] ON [contributions] ([date])",
    "CREATE INDEX [idx_contributions_sort_key] ON [contributions] ([sort_key])",
)
# As `sqlite-utils enable-fts data.db contributions debate_title speaker text` writes it:
# Datasette finds the FTS table for ?_search= by the content=[contributions] in its SQL.
DATASETTE_FTS = (
    """CREATE VIRTUAL TABLE [contributions_fts] USING FTS5 (
    [debate_title], [speaker], [text],
    content=[contributions]
)""",
    """INSERT INTO [contributions_fts] (rowid, [debate_title], [speaker], [text])
    SELECT rowid, [debate_title], [speaker], [text] FROM [contributions]""",
)


class DatasetteWriter:
    """The same corpus, denormalised into one SQLite file for Datasette to serve."""

    def __init__(self, path: Path):
        if path.exists():
            raise CorpusError(f"{path} already exists; remove it or choose another path.")
        self.path = path
        # Indexed in a thread of its own (build_indexes), handed over, never shared.
        self.database = sqlite3.connect(path, check_same_thread=False)
        # A new file, thrown away if the load fails: nothing to protect with a journal.
        self.database.execute("PRAGMA journal_mode = OFF")
        self.database.execute("PRAGMA synchronous = OFF")
        for statement in DATASETTE_SCHEMA:
            self.database.execute(statement)

    def write_speakers(self, plans: Sequence[SpeakerPlan]) -> None:
        self.database.executemany(
            "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?)",
            [
                (number, p.slug, p.name, p.house, p.party.name, p.constituency)
                for number, p in enumerate(plans, start=1)
            ],
        )

    def write_debates(self, plans: Sequence[DebatePlan]) -> None:
        self.database.executemany(
            "INSERT INTO debates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (number, p.slug, p.title, p.date.isoformat(), p.house, p.location)
                + (p.department, p.kind, p.session)
                for number, p in enumerate(plans, start=1)
            ],
        )

    def write_contributions(self, rows: Sequence[tuple]) -> None:
        self.database.executemany(
            "INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )

    def build_indexes(self) -> None:
        """The indexes and the full-text table, once every row is in; may run in another
        thread than the rows' writes (never at the same time)."""
        for statement in (*DATASETTE_INDEXES, *DATASETTE_FTS):
            self.database.execute(statement)

    def finish(self) -> None:
        self.database.commit()
        self.database.close()

    def abandon(self) -> None:
        self.database.close()
        self.path.unlink(missing_ok=True)


# The whole run ----------------------------------------------------------------------------


def in_batches(items: Iterator[ContributionPlan], size: int) -> Iterator[list[ContributionPlan]]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def generate_corpus(
    contributions: int,
    seed: int,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    datasette_path: Path | None = None,
    keep_indexes: bool = False,
    datasette_only: bool = False,
    progress: Progress | None = None,
) -> GenerationReport:
    """Plan and write the corpus in one transaction: all of it or, on any error, none.

    ``keep_indexes`` maintains every index row by row instead of building them after the
    load (``set_indexes_aside``): slower, kept to measure what building after saves.
    ``datasette_only`` writes the Datasette file alone, the same rows as ever: the
    archive's speakers and debates, which number them, are written and rolled back, and
    no contribution is (for a corpus too large to keep in both forms on one disk).
    """
    if datasette_only and not datasette_path:
        raise CorpusError("Writing the Datasette file alone needs its path.")
    started = time.perf_counter()
    size = CorpusSize.for_contributions(contributions)
    random_stream = streams(seed)
    data_dir = Path(settings.IMPORT_DATA_DIR)
    definitions = load_topic_vocabulary(data_dir / "topics.toml")
    vocabulary = build_vocabulary(
        seed_paragraphs(data_dir / "sources"), random_stream("vocabulary")
    )
    speakers = plan_speakers(random_stream("speakers"), size.speakers)
    debates = plan_debates(
        random_stream("debates"), size.debates, size.contributions, len(definitions)
    )
    planner = ContributionPlanner(random_stream("contributions"), speakers, definitions, vocabulary)

    datasette = DatasetteWriter(datasette_path) if datasette_path else None
    # Datasette's indexes are built while the archive's are: SQLite in this process, the
    # archive's database server (or SQLite, releasing the GIL) on the other core.
    background = ThreadPoolExecutor(max_workers=1)
    try:
        with transaction.atomic():
            writer = ArchiveWriter(batch_size)
            compress_rows_quickly()
            writer.write_parties([speaker.party for speaker in speakers])
            writer.write_topics(definitions)
            writer.write_speakers(speakers)
            writer.write_debates(debates)
            if datasette:
                datasette.write_speakers(speakers)
                datasette.write_debates(debates)
            set_aside = [] if keep_indexes or datasette_only else set_indexes_aside()
            builder = RowBuilder(writer.speakers, writer.debates, writer.topics)

            def batches() -> Iterator[RowBatch]:
                planned = itertools.chain.from_iterable(map(planner.contributions, debates))
                return map(builder.rows, in_batches(planned, batch_size))

            written = tagged = 0
            for batch in planned_in_background(batches):
                if not datasette_only:
                    writer.write_contributions(batch)
                if datasette:
                    datasette.write_contributions(batch.datasette)
                written += len(batch.contributions)
                tagged += len(batch.tags)
                if progress:
                    progress(written, size.contributions)
            datasette_indexed = background.submit(datasette.build_indexes) if datasette else None
            if datasette_only:
                transaction.set_rollback(True)
            else:
                writer.write_debate_topics()
                writer.finish()
                restore_indexes(set_aside)
                # Every debate is new or changed: said once, for the whole load.
                caching.archive_changed(everything=True)
        if datasette_indexed:
            datasette_indexed.result()
            datasette.finish()
    except BaseException:
        background.shutdown()  # the file is in use until its indexes are done
        if datasette:
            datasette.abandon()
        raise
    finally:
        background.shutdown()
    return GenerationReport(
        contributions=written,
        debates=len(debates),
        speakers=len(speakers),
        topic_tags=tagged,
        seconds=time.perf_counter() - started,
    )
