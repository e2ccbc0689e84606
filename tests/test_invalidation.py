"""Every write says what it changed (debates.caching.archive_changed), and the next request
shows it, while the pages of debates it did not touch are still served as they were kept.

A test's transaction never commits, so each write runs under
django_capture_on_commit_callbacks(execute=True): what its commit would do, it does.
"""

import shutil
from pathlib import Path

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import ManyToManyRawIdWidget
from django.core.management import call_command

from debates import caching
from debates.models import Contribution, Debate, Party, Speaker, Topic

from .conftest import SEED_SOURCES

DATA = Path(__file__).resolve().parent / "data"
# A page kept per debate costs these on a hit: the archive's state (read afresh in a test's
# transaction) and the debate's stamp.
KEPT_PAGE_QUERIES = 2


def visit(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def assert_kept(client, path: str, content: str, django_assert_max_num_queries) -> None:
    """``path`` is served from the pages cache, as it was kept."""
    with django_assert_max_num_queries(KEPT_PAGE_QUERIES):
        assert visit(client, path) == content


def speech_by(name: str) -> Contribution:
    return Contribution.objects.filter(speaker__name=name).select_related("debate").first()


def admin_change(admin_client, row, **changes) -> None:
    """Post ``row``'s admin change form as a curator would: every field and inline as the
    form shows it, with ``changes``."""
    url = f"/admin/debates/{row._meta.model_name}/{row.pk}/change/"
    page = admin_client.get(url)
    data = form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({f"{formset.prefix}-{k}": v for k, v in management.initial.items()})
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)  # no extra forms
        for form in formset.initial_forms:
            data.update({f"{form.prefix}-{k}": v for k, v in form_values(form).items()})
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def form_values(form) -> dict:
    values = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, ManyToManyRawIdWidget):
            value = ",".join(str(pk) for pk in value)
        values[name] = value
    return values


def test_a_topic_renamed_in_the_vocabulary_shows_after_the_next_import(
    db, client, committed, settings, tmp_path
):
    # The reviewed data files the importer reads, in a folder this test may change.
    for name in ("sources/manifest.toml", "speakers.toml", "topics.toml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(Path(settings.IMPORT_DATA_DIR) / name, tmp_path / name)
    settings.IMPORT_DATA_DIR = tmp_path
    with committed():
        call_command("import_hansard", *SEED_SOURCES, verbosity=0)
    tagged = Contribution.objects.filter(topics__slug="serious-case-reviews").first()
    assert "Serious case reviews" in visit(client, "/contributions/")
    assert "Serious case reviews" in visit(client, tagged.get_absolute_url())

    vocabulary = tmp_path / "topics.toml"
    vocabulary.write_text(
        vocabulary.read_text().replace('"Serious case reviews"', '"Serious case reviews (SCRs)"')
    )
    with committed():
        call_command("import_hansard", *SEED_SOURCES, verbosity=0)

    assert "Serious case reviews (SCRs)" in visit(client, "/contributions/")
    assert "Serious case reviews (SCRs)" in visit(client, tagged.get_absolute_url())
    api = client.get("/api/v1/contributions/").json()
    (topics,) = [facet for facet in api["facets"] if facet["name"] == "topic"]
    assert "Serious case reviews (SCRs)" in {value["label"] for value in topics["values"]}


def test_importing_a_new_debate_leaves_other_debates_pages_kept(
    seeded, client, committed, django_assert_max_num_queries
):
    new_file = DATA / "pages" / "numbered_question.txt"
    # A debate none of whose speakers speak in the new file (an import may add what it
    # learns of a speaker, which every debate they spoke in shows).
    untouched = speech_by("Tim Loughton")
    assert "Loughton" not in new_file.read_text()
    permalink, debate_page = untouched.get_absolute_url(), untouched.debate.get_absolute_url()
    kept = {path: visit(client, path) for path in (permalink, debate_page)}
    listed_before = visit(client, "/debates/")

    with committed():
        call_command("import_hansard", str(new_file), verbosity=0)

    for path, content in kept.items():
        assert_kept(client, path, content, django_assert_max_num_queries)
    assert visit(client, "/debates/") != listed_before  # lists read across debates: rebuilt
    assert "Oral Answers to Questions" in visit(client, "/debates/")


def test_a_debate_title_fixed_in_the_admin_shows_on_its_pages_only(
    seeded, client, admin_client, committed, django_assert_max_num_queries
):
    debate = Debate.objects.get(title="Daniel Pelka")
    speech = debate.contributions.first()
    other = Contribution.objects.exclude(debate=debate).first()
    visit(client, debate.get_absolute_url())
    visit(client, speech.get_absolute_url())
    other_page = visit(client, other.get_absolute_url())

    with committed():
        admin_change(admin_client, debate, title="Daniel Pelka (serious case review)")

    assert "Daniel Pelka (serious case review)" in visit(client, debate.get_absolute_url())
    assert "Daniel Pelka (serious case review)" in visit(client, speech.get_absolute_url())
    assert_kept(client, other.get_absolute_url(), other_page, django_assert_max_num_queries)


def test_a_contribution_corrected_in_the_admin_shows_on_its_permalink(
    seeded, client, admin_client, committed
):
    speech = speech_by("Tim Loughton")
    visit(client, speech.get_absolute_url())

    with committed():
        admin_change(admin_client, speech, role="Shadow Minister (Children)")

    assert "Shadow Minister (Children)" in visit(client, speech.get_absolute_url())
    assert "Shadow Minister (Children)" in visit(client, speech.debate.get_absolute_url())


def test_a_speaker_renamed_in_the_admin_shows_in_every_debate_they_spoke_in(
    seeded, client, admin_client, committed
):
    speaker = Speaker.objects.get(name="Tim Loughton")
    speeches = list(speaker.contributions.select_related("debate"))
    for speech in speeches:
        visit(client, speech.get_absolute_url())

    with committed():
        admin_change(admin_client, speaker, name="Timothy Loughton")

    for speech in speeches:
        assert "Timothy Loughton" in visit(client, speech.get_absolute_url())
    assert "Timothy Loughton" in visit(client, "/speakers/")


def test_a_topic_renamed_in_the_admin_shows_on_debate_pages_and_facets(
    seeded, client, admin_client, committed
):
    topic = Topic.objects.get(slug="serious-case-reviews")
    debate = topic.debates.first()
    visit(client, debate.get_absolute_url())
    visit(client, "/debates/")

    with committed():
        admin_change(admin_client, topic, name="Serious case reviews (SCRs)")

    assert "Serious case reviews (SCRs)" in visit(client, debate.get_absolute_url())
    assert "Serious case reviews (SCRs)" in visit(client, "/debates/")


def test_a_party_renamed_in_the_admin_shows_on_permalinks(seeded, client, admin_client, committed):
    speech = Contribution.objects.exclude(party=None).select_related("party").first()
    visit(client, speech.get_absolute_url())

    with committed():
        admin_change(admin_client, speech.party, short_name="Cons.")

    assert "(Cons.)" in visit(client, speech.get_absolute_url())


def test_a_topic_tag_added_in_the_admin_shows_on_the_permalink(
    seeded, client, admin_client, committed
):
    topic = Topic.objects.create(slug="new-topic", name="A topic new to the archive")
    speech = speech_by("Tim Loughton")
    visit(client, speech.get_absolute_url())

    with committed():
        response = admin_client.post(
            "/admin/debates/contributiontopic/add/",
            {"contribution": speech.pk, "topic": topic.pk, "provenance": "curator"},
        )
    assert response.status_code == 302

    assert "A topic new to the archive" in visit(client, speech.get_absolute_url())


def test_speakers_merged_in_the_admin_show_as_one_on_every_permalink(
    seeded, client, admin_client, committed
):
    kept = Speaker.objects.get(name="Edward Timpson")
    with committed():
        duplicate = Speaker.objects.create(name="Ed Timpson", slug="ed-timpson")
        moved = kept.contributions.first()
        Contribution.objects.filter(pk=moved.pk).update(speaker=duplicate)
        caching.archive_changed(speakers=[duplicate])
    assert "/speakers/ed-timpson/" in visit(client, moved.get_absolute_url())

    selection = {ACTION_CHECKBOX_NAME: [kept.pk, duplicate.pk], "action": "merge_speakers"}
    with committed():
        admin_client.post(
            "/admin/debates/speaker/", {**selection, "survivor": kept.pk, "apply": "Merge"}
        )

    page = visit(client, moved.get_absolute_url())
    assert f"/speakers/{kept.slug}/" in page and "/speakers/ed-timpson/" not in page


def test_a_contribution_deleted_in_the_admin_leaves_its_debate_page(
    seeded, client, admin_client, committed
):
    speech = speech_by("Tim Loughton")
    debate_page = speech.debate.get_absolute_url()
    assert speech.get_absolute_url() in visit(client, debate_page)

    with committed():
        response = admin_client.post(
            f"/admin/debates/contribution/{speech.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302

    assert speech.get_absolute_url() not in visit(client, debate_page)
    assert client.get(speech.get_absolute_url()).status_code == 404


def test_loading_fixtures_rebuilds_every_page(seeded, client, committed):
    debate = Debate.objects.get(title="Daniel Pelka")
    with committed():
        Debate.objects.filter(pk=debate.pk).update(title="A title the fixtures do not have")
        caching.archive_changed(debates=[debate])
    assert "A title the fixtures do not have" in visit(client, debate.get_absolute_url())

    with committed():
        call_command("loaddata", "seed", verbosity=0)

    assert "A title the fixtures do not have" not in visit(client, debate.get_absolute_url())


def test_a_write_that_rolls_back_moves_nothing(seeded, client, django_capture_on_commit_callbacks):
    version = caching.archive_version()
    debate = Debate.objects.first()
    stamp = debate.pages_changed
    with django_capture_on_commit_callbacks() as callbacks:
        caching.archive_changed(debates=[debate])
    assert len(callbacks) == 1  # one move of the version, at commit: none if rolled back
    caching.forget_archive_state()
    assert caching.archive_version() == version
    debate.refresh_from_db()
    assert debate.pages_changed > stamp  # within the transaction, rolled back with it


def test_one_transaction_moves_the_version_once(seeded, committed):
    version = caching.archive_version()
    speaker = Speaker.objects.first()
    party = Party.objects.first()
    with committed():
        caching.archive_changed(debates=Debate.objects.all())
        caching.archive_changed(speakers=[speaker], parties=[party])
    state = caching.archive_state()
    assert state.version == version + 1
    assert state.vocabulary_version == state.version  # a party changed: names on every page
