"""The table behind the "counts" cache (settings.CACHES), made by migrate so that no
deployment can forget `createcachetable`: without it the first facet count would fail."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_count_cache_table(apps, schema_editor):
    # By name rather than from settings.CACHES: a deployment on Redis today may run on its
    # database tomorrow. An existing table (from createcachetable) is left as it is.
    call_command(
        "createcachetable",
        settings.COUNTS_CACHE_TABLE,
        database=schema_editor.connection.alias,
        verbosity=0,
    )


def drop_count_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.COUNTS_CACHE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [("debates", "0008_contribution_facet_indexes")]

    operations = [migrations.RunPython(create_count_cache_table, drop_count_cache_table)]
