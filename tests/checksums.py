"""A deterministic fingerprint of every table of the debates app, for fault tests.

``snapshot()`` gives, per table, its row count and a sha256 of its rows. Rows are written
without primary keys (a foreign key becomes the natural key of the row it points to) and
hashed in natural-key order, so two databases holding the same archive agree whatever
order or primary keys their rows were given. Run in another process against another
database with ``python manage.py shell -c "from tests.checksums import main; main()"``.
"""

from __future__ import annotations

import hashlib
import json

from django.apps import apps
from django.db import connection

from debates.models import ArchiveState, ContributionTally

# Tables that describe the data rather than hold it (see without_state).
STATE_TABLES = {ArchiveState._meta.db_table, ContributionTally._meta.db_table}


def snapshot() -> dict[str, str]:
    """{table: "<rows> rows <sha256>"} for every debates table, M2M tables included."""
    if connection.vendor == "sqlite":
        _check_sqlite_search_index()
    return {
        model._meta.db_table: _table_checksum(model)
        for model in apps.get_app_config("debates").get_models(include_auto_created=True)
    }


def without_state(tables: dict[str, str]) -> dict[str, str]:
    """The archive's data alone: ArchiveState records *when* it last changed, so two
    databases that reached the same data at different times differ there, and the
    facets' ContributionTally is counted from the data after an import, not loaded."""
    return {table: value for table, value in tables.items() if table not in STATE_TABLES}


def main() -> None:
    print(json.dumps(snapshot()))


def _table_checksum(model) -> str:
    # What a dump holds: not the primary key, nor a column that records when rather than
    # what (Debate.pages_changed), both left out of serialization.
    fields = [field for field in model._meta.concrete_fields if field.serialize]
    relations = [field.name for field in fields if field.is_relation]
    rows = []
    for obj in model._base_manager.select_related(*relations).order_by():
        row = {field.name: _value(obj, field) for field in fields}
        rows.append((_natural_key(obj, relations, row), json.dumps(row, sort_keys=True)))
    digest = hashlib.sha256()
    for key, row in sorted(rows):
        digest.update(f"{key}\t{row}\n".encode())
    return f"{len(rows)} rows {digest.hexdigest()}"


def _value(obj, field):
    if field.is_relation:
        target = getattr(obj, field.name)
        return list(target.natural_key()) if target is not None else None
    value = field.value_from_object(obj)
    # Dates and times as ISO text; JSON (a contribution's paragraphs) with sorted keys.
    return value.isoformat() if hasattr(value, "isoformat") else value


def _natural_key(obj, relations: list[str], row: dict) -> str:
    # Models with permanent keys order by them; M2M rows by the rows they join.
    if hasattr(obj, "natural_key"):
        return json.dumps(list(obj.natural_key()))
    return json.dumps([row[name] for name in relations])


def _check_sqlite_search_index() -> None:
    """SQLite's FTS5 index mirrors contributions through triggers; after a rolled-back
    or interrupted write it must still match them exactly (raises if not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO debates_contribution_fts(debates_contribution_fts, rank) "
            "VALUES ('integrity-check', 1)"
        )
