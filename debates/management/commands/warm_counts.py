"""`manage.py warm_counts`: count the entry pages' facets and the timelines ahead of visitors.

import_hansard and generate_corpus do this themselves after a change; run it after any
other load (loaddata, a restore) or when the counts cache was emptied.
"""

from django.core.management.base import BaseCommand

from debates.warming import warm_counts


class Command(BaseCommand):
    help = "Count the facets of the entry list pages and the timelines into the counts cache."

    def handle(self, *args, **options):
        self.stdout.write(warm_counts().summary())
