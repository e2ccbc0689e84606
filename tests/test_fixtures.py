"""The committed seed fixtures: built from the sources, loadable twice, serving pages."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from debates.models import Contribution, Debate, Speaker, Topic
from tests.conftest import SEED_SOURCES

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seed.json"


def test_committed_fixtures_match_a_fresh_import_of_the_sources(db):
    call_command("import_hansard", *SEED_SOURCES, stdout=StringIO())
    out = StringIO()
    call_command(
        "dumpdata",
        "debates",
        # when the data changed and what it counts to, not the data itself
        exclude=["debates.archivestate", "debates.contributiontally"],
        natural_primary=True,
        natural_foreign=True,
        indent=2,
        stdout=out,
    )
    # Compared as data: PostgreSQL's jsonb orders keys its own way, SQLite keeps them.
    assert json.loads(out.getvalue()) == json.loads(SEED_FIXTURE.read_text(encoding="utf-8")), (
        "fixtures/seed.json is stale: run `make fixtures` and commit the result"
    )


def counts():
    return tuple(m.objects.count() for m in (Debate, Contribution, Speaker, Topic))


def test_loading_the_fixtures_twice_leaves_the_counts_unchanged(seeded):
    first = counts()
    call_command("loaddata", "seed", verbosity=0)
    assert counts() == first == (4, 13, 7, 14)


def test_loading_the_fixtures_after_an_import_of_the_same_sources_adds_nothing(db):
    call_command("import_hansard", *SEED_SOURCES, stdout=StringIO())
    before = counts()
    call_command("loaddata", "seed", verbosity=0)
    assert counts() == before
