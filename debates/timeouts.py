"""Cutting a slow query short, on either database, so a page can degrade instead of hang.

PostgreSQL cancels the statement (`statement_timeout`, local to a transaction); SQLite
has no timeout, but a progress handler called every few thousand virtual-machine steps
can interrupt it. Either way the caller gets QueryTimedOut and the connection stays usable.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

# SQLite virtual-machine instructions between two looks at the clock (~1 ms of work).
SQLITE_STEPS = 20_000


class QueryTimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: float, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's queries within ``seconds``: each of them on PostgreSQL, all of
    them together on SQLite. math.inf sets no limit (a command that must finish)."""
    if seconds == math.inf:
        yield
        return
    if seconds <= 0:  # no time at all (and PostgreSQL would read 0 as "no limit")
        raise QueryTimedOut
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with _postgresql_limit(connection, seconds, using):
            yield
    elif connection.vendor == "sqlite":
        with _sqlite_limit(connection, seconds):
            yield
    else:  # pragma: no cover - the archive runs on the two databases above
        yield


@contextmanager
def _postgresql_limit(connection, seconds: float, using: str) -> Iterator[None]:
    from psycopg import errors

    try:
        # SET LOCAL lasts until the transaction ends: here, in autocommit (each request),
        # or the enclosing transaction's end when nested. Either way a cancelled statement
        # is rolled back here, so the connection stays usable.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{max(1, int(seconds * 1000))}ms"],
            )
            yield
    except OperationalError as error:
        if isinstance(error.__cause__, errors.QueryCanceled):
            raise QueryTimedOut from error
        raise


@contextmanager
def _sqlite_limit(connection, seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    # A non-zero return interrupts the running statement with "interrupted".
    connection.connection.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error):
            raise QueryTimedOut from error
        raise
    finally:
        connection.connection.set_progress_handler(None, 0)
