"""import_hansard as other tools and our own checks use it: the command contract."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from debates.models import Contribution, ContributionTopic, Debate, Speaker
from tests.conftest import SEED_SOURCES

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_import(*paths, **options) -> str:
    out = StringIO()
    call_command("import_hansard", *paths, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def dry_run(*paths) -> dict:
    return json.loads(run_import(*paths, dry_run=True, as_json=True))


def test_dry_run_prints_the_contract_and_touches_no_table(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        payload = dry_run(*SEED_SOURCES)

    assert [d["path"] for d in payload["documents"]] == SEED_SOURCES
    record = payload["documents"][1]
    assert record["format"] == "contribution-record"
    [debate] = record["debates"]
    assert debate["title"] == "Children, Schools and Families Bill"
    assert debate["date"] == "2010-02-23"
    assert debate["house"] == "commons"
    [contribution] = debate["contributions"]
    assert contribution["speaker"] == {
        "name": "Tim Loughton",
        "constituency": None,
        "party": "Conservative",
    }
    assert contribution["column_reference"] == "506 c185-6"
    assert contribution["source_uri"] == (
        "http://data.parliament.uk/pimsdata/hansard/CONTRIBUTION_622898"
    )


def test_dry_run_takes_titles_the_text_lacks_from_the_manifest(db):
    payload = dry_run(SEED_SOURCES[0], SEED_SOURCES[4])
    titles = [d["debates"][0]["title"] for d in payload["documents"]]
    assert titles == ["Munro Report", "Daniel Pelka"]


def test_dry_run_keeps_roles_short_forms_and_exact_characters(db):
    [debate] = dry_run(SEED_SOURCES[4])["documents"][0]["debates"]
    opening, intervention, reply = debate["contributions"]
    assert opening["role"] == "The Parliamentary Under-Secretary of State for Education"
    assert opening["display_name"] == "Mr Edward Timpson"
    assert opening["speaker"]["name"] == "Edward Timpson"
    assert intervention["display_name"] == "Mr Robinson"
    assert reply["display_name"] == "Mr Timpson"
    assert "guidance—“Working Together to Safeguard Children”" in opening["paragraphs"][1]


def test_importing_the_seeds_gives_four_debates_thirteen_contributions_seven_speakers(db):
    run_import(*SEED_SOURCES)
    assert (Debate.objects.count(), Contribution.objects.count(), Speaker.objects.count()) == (
        4,
        13,
        7,
    )
    untagged = Contribution.objects.exclude(pk__in=ContributionTopic.objects.values("contribution"))
    assert not untagged.exists()
    assert Contribution.objects.filter(speaker__name="Edward Timpson").count() == 2


def test_importing_twice_changes_nothing_and_says_so(db):
    run_import(*SEED_SOURCES)
    output = run_import(*SEED_SOURCES)
    assert "contributions: 0 created, 0 updated, 13 unchanged" in output
    assert "debates: 0 created, 0 updated, 4 unchanged" in output
    assert "speakers: 0 created, 0 updated, 7 unchanged" in output
    assert "Nothing changed" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Just a note about the weather.\nNothing parliamentary here.\n", "neither a debate page"),
    ],
)
def test_a_bad_file_among_good_ones_imports_nothing(db, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match=message) as raised:
        run_import(SEED_SOURCES[0], str(bad), SEED_SOURCES[1])

    assert str(raised.value).startswith(f"{bad}:")
    assert not Debate.objects.exists()
    assert not Speaker.objects.exists()


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="nowhere.txt: cannot be read"):
        run_import(str(tmp_path / "nowhere.txt"))


def test_an_untitled_debate_without_a_manifest_entry_is_filed_with_a_warning(db, tmp_path):
    untitled = tmp_path / "untitled.txt"
    untitled.write_bytes(Path(SEED_SOURCES[0]).read_bytes() + b"\n")  # new sha256: no manifest
    err = StringIO()
    call_command("import_hansard", str(untitled), stdout=StringIO(), stderr=err)
    assert f"{untitled}:1: the debate has no title" in err.getvalue()
    assert Debate.objects.get().title.startswith("Untitled debate")


def test_errors_exit_non_zero_with_path_and_line_and_no_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_hansard", "--dry-run", "--json", str(empty)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert f"{empty}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
