"""Keep ArchiveState current: any write to the archive's data moves Last-Modified.

One touch per transaction, at commit: an import of a million rows, a fixture load or an
admin edit each moves the archive's version once, and a rolled-back write not at all.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import (
    ArchiveState,
    Contribution,
    ContributionTopic,
    Debate,
    Party,
    Speaker,
    SpeakerName,
    Topic,
)

ARCHIVE_MODELS = (Contribution, ContributionTopic, Debate, Party, Speaker, SpeakerName, Topic)


def touch_archive() -> None:
    ArchiveState.touch()


def touch_on_commit() -> None:
    connection = transaction.get_connection()
    # Each queued entry is (savepoint ids, callback, robust); queue ours once.
    if connection.in_atomic_block and any(
        entry[1] is touch_archive for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(touch_archive)


def archive_changed(sender, **kwargs):
    touch_on_commit()


# Connected for these models alone: a receiver for every sender would make Django fetch
# and signal each row of any bulk delete (the facets' tally is emptied so on each refresh).
for model in ARCHIVE_MODELS:
    post_save.connect(archive_changed, sender=model, dispatch_uid=f"archive_saved:{model}")
    post_delete.connect(archive_changed, sender=model, dispatch_uid=f"archive_deleted:{model}")


@receiver(m2m_changed)
def archive_relations_changed(sender, action, **kwargs):
    if action.startswith("post_") and sender in (Debate.topics.through, Debate.sources.through):
        touch_on_commit()
