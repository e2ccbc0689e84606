"""What the archive keeps to answer faster, and when it stops being true: the one module
that keeps, keys, counts in time and invalidates (issue #19).

Two caches:

- "pages": whole responses, the site's pages and the API's JSON lists alike (``cached_page``),
  unless settings.PAGE_CACHE is off;
- "counts": totals, facet counts, timelines, and marks for counting that ran out of time
  (``remember``, ``remember_many``, ``attempt``), shared by every app server and command.

A key names what its value was made from, so nothing is ever deleted to invalidate it:

- anything that reads across debates (a list, a search, facets, the home and topic pages,
  an API list) names the archive's version (ArchiveState.version), which every write
  moves on at commit;
- a debate's page and its contributions' permalinks name the debate's ``pages_changed``
  stamp and the version at which topics or parties last changed
  (ArchiveState.vocabulary_version): importing one new debate leaves every other debate's
  cached pages valid.

Every write says what it changed through ``archive_changed()``, inside its transaction:
the importer, admin edits, merges and actions, loaddata and the corpus generator. A
signal would miss QuerySet.update() and bulk_create, which send none.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control

from . import search_index
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
from .timeouts import QueryTimedOut, time_limit

T = TypeVar("T")

# Kept in the counts cache for something that could not be counted in time: the pages
# that need it go without it, without trying again, until this many seconds have passed
# (or the archive next changes).
TIMED_OUT = "timed out"
TIMED_OUT_SECONDS = 10 * 60
# Primary keys per UPDATE when stamping debates: well under any database's parameter limit.
STAMP_BATCH = 500


# What the archive is now ---------------------------------------------------------------

# (when, row) of this process's last read outside a transaction: see _last_known.
_last_read: tuple[float, ArchiveState | None] | None = None


def archive_state(request: HttpRequest | None = None) -> ArchiveState:
    """The archive's state row (created at the first call on a new archive), as
    ``_last_known`` reads it."""
    state = _last_known(request)
    if state is None:
        state = ArchiveState.touch()
        if request is not None:
            request._archive_state = state
    return state


def archive_version(request: HttpRequest | None = None) -> int:
    """The version alone, for keys: never a write (0 before any)."""
    state = _last_known(request)
    return state.version if state else 0


def _last_known(request: HttpRequest | None) -> ArchiveState | None:
    """The row, as ``request`` first read it, or as this process last read it if that was
    within settings.ARCHIVE_VERSION_SECONDS.

    Every page and API response reads it (for its cache key, ETag and Last-Modified), so a
    page served whole from the cache costs no query, and a write shows that much later on
    pages that read across debates. A read inside a transaction is kept for the request
    alone: the transaction may yet roll back, or see what others cannot see yet.
    """
    global _last_read
    if request is not None and hasattr(request, "_archive_state"):
        return request._archive_state
    now = time.monotonic()
    if (read := _last_read) and now - read[0] < settings.ARCHIVE_VERSION_SECONDS:
        state = read[1]
    else:
        state = ArchiveState.objects.filter(pk=1).first()
        if not connection.in_atomic_block:
            _last_read = (now, state)
    if request is not None:
        request._archive_state = state
    return state


def forget_archive_state() -> None:
    """Read the archive's state afresh next time (this process has just changed it)."""
    global _last_read
    _last_read = None


# What a write changed ------------------------------------------------------------------


class _TouchAtCommit:
    """Moves the archive's version on once, when the transaction that changed it commits
    (a rolled-back write moves nothing), and the vocabulary's too if any call asked."""

    def __init__(self) -> None:
        self.vocabulary = False
        self.done = False

    def __call__(self) -> None:
        ArchiveState.touch(vocabulary=self.vocabulary)
        forget_archive_state()
        self.done = True


def archive_changed(
    *,
    debates: Iterable = (),
    speakers: Iterable = (),
    topics: Iterable = (),
    parties: Iterable = (),
    everything: bool = False,
) -> None:
    """Say what a write changed; call it after the write, inside its transaction.

    Each argument lists rows (instances or primary keys) the write added, changed or is
    about to delete. ``debates``: a debate, or any of its contributions or their tags;
    ``speakers``: a speaker's name, party or constituency, shown on every debate they
    spoke in; ``topics``, ``parties``: names shown on any debate's pages; ``everything``:
    a load of unknown extent (fixtures, the corpus generator).

    The pages of the debates concerned are built afresh from now on, and at commit the
    archive's version moves on, so every list, search and count is too.
    """
    with transaction.atomic():
        now = timezone.now()
        stale: set = set()
        if everything:
            Debate.objects.update(pages_changed=now)
        else:
            stale = set(_primary_keys(debates))
            if speaker_pks := list(_primary_keys(speakers)):
                spoke_in = Contribution.objects.filter(speaker__in=speaker_pks)
                stale.update(spoke_in.values_list("debate_id", flat=True).distinct())
            ordered = sorted(stale)
            for start in range(0, len(ordered), STAMP_BATCH):
                batch = ordered[start : start + STAMP_BATCH]
                Debate.objects.filter(pk__in=batch).update(pages_changed=now)
        # Before the version's callback below, so the index has what the version promises.
        search_index.index_changed(stale, everything=everything)
        # Each queued entry is (savepoint ids, callback, robust).
        queued = [entry[1] for entry in connection.run_on_commit]
        touch = next((c for c in queued if isinstance(c, _TouchAtCommit) and not c.done), None)
        if touch is None:
            touch = _TouchAtCommit()
            transaction.on_commit(touch)
        touch.vocabulary |= everything or any(_primary_keys(topics)) or any(_primary_keys(parties))


def changed_by(row: models.Model) -> dict[str, list]:
    """What ``archive_changed`` needs to hear of a write to ``row`` (an admin edit, a
    merge, a delete), by the pages that show it."""
    shown_on = {
        Debate: lambda: {"debates": [row.pk]},
        Contribution: lambda: {"debates": [row.debate_id]},
        ContributionTopic: lambda: {"debates": [row.contribution.debate_id]},
        Speaker: lambda: {"speakers": [row.pk]},
        SpeakerName: lambda: {"speakers": [row.speaker_id]},
        Topic: lambda: {"topics": [row.pk]},
        Party: lambda: {"parties": [row.pk]},
    }
    # Anything else (a source, a redirect) is on no page kept per debate: the archive's
    # version alone moves on.
    return shown_on[type(row)]() if type(row) in shown_on else {}


def _primary_keys(rows: Iterable) -> Iterable:
    if isinstance(rows, models.QuerySet):
        return rows.values_list("pk", flat=True)
    return (row.pk if isinstance(row, models.Model) else row for row in rows)


# Keys -----------------------------------------------------------------------------------


def make_key(kind: str, scope: str, described: str) -> str:
    """Where a ``kind`` of thing made from ``described`` (a URL, the SQL of the rows
    counted) is kept for ``scope`` (a version of what it was made from)."""
    return f"{kind}:{scope}:{hashlib.sha256(described.encode()).hexdigest()}"


def archive_scope(request: HttpRequest | None = None) -> str:
    """The scope of anything that reads across debates: the archive's version."""
    return f"a{archive_version(request)}"


def debate_scope(
    request: HttpRequest, *, slug: str | None = None, contribution_key: str | None = None
) -> str | None:
    """The scope of a debate's pages and its contributions' permalinks, for the debate
    with ``slug`` or the contribution with ``contribution_key``; None if there is none
    (the page is then a redirect or a 404, built for each request). One indexed query."""
    if slug is not None:
        stamps = Debate.objects.filter(slug=slug).values_list("pages_changed", flat=True)
    else:
        stamps = Contribution.objects.filter(key=contribution_key).values_list(
            "debate__pages_changed", flat=True
        )
    stamp = stamps.first()
    if stamp is None:
        return None
    state = _last_known(request)
    return f"d{state.vocabulary_version if state else 0}.{stamp:%Y%m%d%H%M%S%f}"


def counted_rows_sql(rows: models.QuerySet) -> str | None:
    """The SQL that picks the rows ``rows`` counts, whatever it selects or joins to show
    them: the pages and the API, which list the same rows with different columns, then
    share one key. None for a filter no row can match."""
    try:
        return str(rows.order_by().values("pk").query)
    except EmptyResultSet:
        return None


def rows_described(rows: models.QuerySet, qualifier: object = "") -> str:
    """What a count of ``rows`` is made from, with ``qualifier`` for what else it depends on."""
    return f"{qualifier}|{counted_rows_sql(rows)}"


# Counting in time -------------------------------------------------------------------------


def remember_many(
    kind: str,
    computations: dict[str, Callable[[], T]],
    *,
    seconds: float | None = None,
    keep: bool = True,
) -> dict[str, T]:
    """Each of ``computations`` (by what it is made from, see ``rows_described``) from
    the counts cache, or computed within ``seconds`` in all (settings.FACET_TIME_LIMIT
    unless given; math.inf: no limit; 0: only what is kept) and kept until the archive
    next changes (unless not ``keep``). One missing from the result could not be computed
    in time, now or within the last TIMED_OUT_SECONDS: every visit would otherwise spend
    the whole limit on the same too many rows, and still show nothing.
    """
    counts = caches["counts"]
    scope = archive_scope()
    pending = {make_key(kind, scope, described): described for described in computations}
    kept = counts.get_many(pending)
    done = {pending[key]: value for key, value in kept.items() if value != TIMED_OUT}
    if seconds is None:
        seconds = settings.FACET_TIME_LIMIT
    deadline = time.monotonic() + seconds
    fresh, late = {}, {}
    for key, described in pending.items():
        if key in kept:  # computed, or recently found too slow to compute
            continue
        if seconds <= 0:
            break
        try:
            # One deadline for them all: PostgreSQL's statement_timeout would otherwise
            # allow each the whole time.
            with time_limit(deadline - time.monotonic()):
                value = computations[described]()
        except QueryTimedOut:
            late = {k: TIMED_OUT for k in pending if k not in kept and k not in fresh}
            break
        done[described] = value
        fresh[key] = value
    fresh = fresh if keep else {}
    # Stored after the limits' transactions, which a timeout rolls back, and several in
    # one of their own: a counts cache in the database then commits (and syncs) once.
    with transaction.atomic() if len(fresh) + len(late) > 1 else nullcontext():
        if fresh:
            counts.set_many(fresh)
        if late:
            counts.set_many(late, timeout=TIMED_OUT_SECONDS)
    return done


def remember(
    kind: str,
    rows: models.QuerySet,
    compute: Callable[[], T],
    *,
    qualifier: object = "",
    seconds: float | None = None,
) -> T | None:
    """``compute()``, something counted of ``rows``, as ``remember_many`` keeps it; None
    if it could not be counted in time."""
    described = rows_described(rows, qualifier)
    return remember_many(kind, {described: compute}, seconds=seconds).get(described)


def attempt(
    kind: str, rows: models.QuerySet, compute: Callable[[], T], *, seconds: float
) -> T | None:
    """``compute()`` within ``seconds``, not kept; None if it ran out of time, now or
    recently (it is then not tried again for TIMED_OUT_SECONDS)."""
    described = rows_described(rows)
    return remember_many(kind, {described: compute}, seconds=seconds, keep=False).get(described)


# Whole pages ---------------------------------------------------------------------------


def cached_page(
    request: HttpRequest,
    scope: str | None,
    build: Callable[[], HttpResponse],
    *,
    variant: str = "",
) -> HttpResponse:
    """The response for ``request`` from the pages cache, or ``build()`` and kept there
    for ``scope`` (see ``archive_scope`` and ``debate_scope``; None: not kept).

    Keyed by the whole URL (its host and scheme appear in canonical links) and
    ``variant`` (what else the bytes depend on: the API's media type). Only a complete
    200 without cookies is kept, for its own max-age (a view short of time for part of a
    page sets a brief one: ``briefly_cached``) or settings.PAGE_CACHE_SECONDS, and only if
    it is no larger than settings.PAGE_CACHE_MAX_BYTES.
    """
    if not settings.PAGE_CACHE or scope is None or request.method not in ("GET", "HEAD"):
        return build()
    pages = caches["pages"]
    key = make_key("page", scope, f"{request.build_absolute_uri()}|{variant}")
    if (kept := pages.get(key)) is not None:
        content, headers = kept
        return HttpResponse(content, headers=headers)
    response = build()
    if response.status_code != 200 or response.cookies or response.streaming:
        return response
    if hasattr(response, "render"):
        response.render()
    seconds = get_max_age(response)
    if seconds is None:
        seconds = settings.PAGE_CACHE_SECONDS
    if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES:
        pages.set(key, (response.content, dict(response.items())), seconds)
    return response


def briefly_cached(response: HttpResponse) -> HttpResponse:
    """Keep a response built short of something it could not do in time (facets left
    uncounted, a search left unranked) for settings.DEGRADED_PAGE_SECONDS only, here and
    in browsers: it would be built the same way until the counts time out no more, and
    counts made meanwhile (by warm_counts, say) then show within that time."""
    patch_cache_control(response, max_age=settings.DEGRADED_PAGE_SECONDS)
    return response


def clear() -> None:
    """Forget every page and count kept, and the archive's state as last read: tests
    measuring a first visit, and nothing else, need this."""
    for alias in ("pages", "counts"):
        caches[alias].clear()
    forget_archive_state()
