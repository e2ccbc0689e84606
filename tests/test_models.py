import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from debates import caching
from debates.models import (
    ArchiveState,
    Contribution,
    Debate,
    House,
    Speaker,
    SpeakerName,
    unique_slug,
)
from tests.factories import ContributionFactory, DebateFactory, SpeakerFactory


@pytest.mark.parametrize(
    ("reference", "house", "citation"),
    [
        ("506 c185-6", House.COMMONS, "HC Deb 23 February 2010, vol 506, cc185-6"),
        ("506 c185", House.COMMONS, "HC Deb 23 February 2010, vol 506, c185"),
        ("716 c216-7GC", House.LORDS, "HL Deb 23 February 2010, vol 716, cc216-7GC"),
        ("568 c45WH", House.COMMONS, "HC Deb 23 February 2010, vol 568, c45WH"),
    ],
)
def test_citation_follows_hansard_form(db, reference, house, citation):
    contribution = ContributionFactory(
        column_reference=reference, debate__house=house, debate__date=datetime.date(2010, 2, 23)
    )
    assert contribution.citation == citation


def test_citation_without_columns_names_the_debate(db):
    contribution = ContributionFactory(
        column_reference="", debate__title="Munro Report", debate__date=datetime.date(2011, 6, 9)
    )
    assert contribution.citation == "HC Deb 9 June 2011, Munro Report"


def test_volume_and_columns_are_none_for_an_unreadable_reference(db):
    contribution = ContributionFactory(column_reference="see the printed volume")
    assert contribution.volume is None
    assert contribution.columns is None


def test_urls_use_permanent_keys_not_primary_keys(db):
    contribution = ContributionFactory(key="2010-02-23-hc-abcdef0123")
    assert contribution.get_absolute_url() == "/contributions/2010-02-23-hc-abcdef0123/"
    assert contribution.debate.get_absolute_url() == f"/debates/{contribution.debate.slug}/"
    assert contribution.speaker.get_absolute_url() == f"/speakers/{contribution.speaker.slug}/"
    assert contribution.party.get_absolute_url() == "/parties/labour/"


def test_the_same_sitting_cannot_hold_two_debates_with_one_title(db):
    debate = DebateFactory(title="Munro Report")
    with pytest.raises(IntegrityError):
        DebateFactory(
            title="Munro Report", date=debate.date, house=debate.house, location=debate.location
        )


def test_a_position_in_a_debate_holds_one_contribution(db):
    first = ContributionFactory(sequence=1)
    with pytest.raises(IntegrityError):
        ContributionFactory(debate=first.debate, sequence=1)


def test_unique_slug_adds_a_number_when_taken(db):
    DebateFactory(slug="2011-06-09-munro-report")
    assert unique_slug(Debate, "2011-06-09 Munro Report") == "2011-06-09-munro-report-2"
    assert unique_slug(Debate, "Daniel Pelka") == "daniel-pelka"


def test_natural_keys_round_trip(db):
    contribution = ContributionFactory()
    assert Contribution.objects.get_by_natural_key(*contribution.natural_key()) == contribution
    form = SpeakerName.objects.create(speaker=contribution.speaker, name="Mr Number")
    assert form.natural_key() == (contribution.speaker.slug, "Mr Number")
    assert SpeakerName.objects.get_by_natural_key(*form.natural_key()) == form


def test_merging_speakers_moves_contributions_and_keeps_the_old_slug(db, client):
    kept = SpeakerFactory(name="Edward Timpson", slug="edward-timpson", constituency="")
    duplicate = SpeakerFactory(
        name="Mr Timpson", slug="mr-timpson", constituency="Crewe and Nantwich"
    )
    contribution = ContributionFactory(speaker=duplicate)

    kept.merge(duplicate)

    contribution.refresh_from_db()
    assert contribution.speaker == kept
    assert not Speaker.objects.filter(slug="mr-timpson").exists()
    assert kept.constituency == "Crewe and Nantwich"
    assert "Mr Timpson" in set(kept.names.values_list("name", flat=True))
    response = client.get("/speakers/mr-timpson/")
    assert response.status_code == 301
    assert response["Location"] == "/speakers/edward-timpson/"


def test_a_speaker_cannot_be_merged_into_itself(db):
    speaker = SpeakerFactory()
    with pytest.raises(ValueError, match="itself"):
        speaker.merge(speaker)


def test_sort_key_orders_by_sitting_and_follows_a_corrected_date(db):
    early = ContributionFactory(debate__date=datetime.date(2010, 1, 1), sequence=2)
    late = ContributionFactory(debate__date=datetime.date(2012, 1, 1), sequence=1)
    assert list(Contribution.objects.for_listing()) == [late, early]

    early.debate.date = datetime.date(2013, 1, 1)
    early.debate.save()
    assert list(Contribution.objects.for_listing()) == [early, late]


@pytest.mark.django_db(transaction=True)
def test_a_process_trusts_the_archive_version_it_read_for_a_moment(
    settings, django_assert_num_queries
):
    settings.ARCHIVE_VERSION_SECONDS = 60
    version = ArchiveState.touch().version
    assert caching.archive_version() == version
    with django_assert_num_queries(0):
        assert caching.archive_version() == version

    # Another process's import: seen once the moment has passed.
    ArchiveState.objects.update(version=F("version") + 1)
    assert caching.archive_version() == version
    settings.ARCHIVE_VERSION_SECONDS = 0
    assert caching.archive_version() == version + 1

    # This process's own change is seen at once, from its commit; a read inside a
    # transaction is not kept.
    settings.ARCHIVE_VERSION_SECONDS = 60
    with transaction.atomic():
        caching.archive_changed()
        assert caching.archive_version() == version + 1
    with django_assert_num_queries(1):
        assert caching.archive_version() == version + 2
