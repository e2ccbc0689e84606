"""A curator's work in the admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from debates.models import Contribution, Debate, Speaker, SpeakerSlugRedirect


@pytest.mark.parametrize(
    "model",
    [
        "debate",
        "contribution",
        "speaker",
        "topic",
        "party",
        "source",
        "contributiontopic",
        "speakerslugredirect",
        "contributionkeyredirect",
    ],
)
def test_changelists_and_change_pages_open(seeded, admin_client, model):
    response = admin_client.get(f"/admin/debates/{model}/")
    assert response.status_code == 200


def test_a_curator_can_fix_a_debate_title(seeded, admin_client):
    debate = Debate.objects.get(title="Daniel Pelka")
    page = admin_client.get(f"/admin/debates/debate/{debate.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        title="Daniel Pelka (Serious Case Review)",
        topics=[t.pk for t in debate.topics.all()],
        sources=",".join(str(s.pk) for s in debate.sources.all()),
        date="2013-10-17",
    )
    response = admin_client.post(f"/admin/debates/debate/{debate.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    debate.refresh_from_db()
    assert debate.title == "Daniel Pelka (Serious Case Review)"
    assert debate.slug == "2013-10-17-daniel-pelka"  # permalinks do not move


def test_a_curator_can_merge_two_speakers(seeded, admin_client):
    kept = Speaker.objects.get(name="Edward Timpson")
    duplicate = Speaker.objects.create(name="Ed Timpson", slug="ed-timpson")
    Contribution.objects.filter(speaker=kept, sequence=3).update(speaker=duplicate)
    selection = {ACTION_CHECKBOX_NAME: [kept.pk, duplicate.pk], "action": "merge_speakers"}

    confirm = admin_client.post("/admin/debates/speaker/", selection)
    assert confirm.status_code == 200
    assert b"Merge speakers" in confirm.content

    done = admin_client.post(
        "/admin/debates/speaker/", {**selection, "survivor": kept.pk, "apply": "Merge"}
    )
    assert done.status_code == 302
    assert kept.contributions.count() == 2
    assert SpeakerSlugRedirect.objects.get(old_slug="ed-timpson").speaker == kept


def test_a_curator_can_merge_duplicate_contributions(seeded, admin_client):
    kept = Contribution.objects.get(column_reference="506 c185-6")
    duplicate = Contribution.objects.create(
        key="2010-02-23-hc-duplicate01",
        fingerprint="f" * 64,
        debate=kept.debate,
        sequence=2,
        speaker=kept.speaker,
        display_name="Mr Loughton",
        paragraphs=kept.paragraphs,
    )
    selection = {
        ACTION_CHECKBOX_NAME: [kept.pk, duplicate.pk],
        "action": "merge_contributions",
        "survivor": kept.pk,
        "apply": "Merge",
    }
    assert admin_client.post("/admin/debates/contribution/", selection).status_code == 302
    assert not Contribution.objects.filter(pk=duplicate.pk).exists()
    assert kept.key_redirects.get().old_key == "2010-02-23-hc-duplicate01"
