"""`manage.py search_index`: build the search index (settings.SEARCH_INDEX) from scratch.

Run it once when SEARCH_INDEX is first set, or to rebuild one lost or damaged; every write
after that (imports, admin edits, merges, loaddata) keeps it current by itself.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from debates.search_index import search_index


class Command(BaseCommand):
    help = "Build the tantivy search index named by SEARCH_INDEX from every contribution."

    def handle(self, *args, **options):
        index = search_index()
        if index is None:
            raise CommandError("SEARCH_INDEX is not set: name a directory for the index.")
        started = time.monotonic()
        indexed = index.replace(None)
        seconds = time.monotonic() - started
        if options["verbosity"]:
            self.stdout.write(
                f"Indexed {indexed:,} contributions in {index.path} in {seconds:.1f} s."
            )
