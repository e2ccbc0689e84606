"""`manage.py loaddata`, which also says that the archive changed (debates.caching): a
fixture can hold any row, so every debate's kept pages and every count are retired."""

from django.core.management.commands import loaddata

from debates import caching


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        # Inside the transaction loaddata's handle() opens: retired only if it commits.
        super().loaddata(fixture_labels)
        if self.loaded_object_count:
            caching.archive_changed(everything=True)
