"""Contributions per year, drawn as a bar chart in inline SVG on the home, topic and speaker
pages (issue #10).

The geometry is plain Python (``draw_timeline``), so it is tested without a database or a
browser; the template only copies numbers into attributes. The counts come from one grouped
query on the sort key, cached until the archive next changes, as facet counts are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from . import caching

# The chart's coordinate system (the SVG viewBox); CSS scales it to the width available.
WIDTH, HEIGHT = 640, 200
PLOT_LEFT, PLOT_RIGHT = 28, 612  # room for half a year label beyond the first and last bar
PLOT_TOP, BASELINE = 8, 172
LABEL_Y = 192
# A bar never grows wider than this (one year alone would otherwise fill the chart), and a
# year with any contribution is never drawn shorter than this, however busy the peak year.
MAX_BAR_WIDTH = 48
MIN_BAR_HEIGHT = 2
BAR_FILL = 0.8  # of each year's slot; the rest is the gap between bars
# Year labels along the axis: the first and last year, and round years between them spaced
# at least MIN_LABEL_GAP apart so that four-digit labels never overlap.
MAX_LABELS = 6
LABEL_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500)
MIN_LABEL_GAP = 56  # a year in the phone's 20px type is about 45 wide


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    slot_x: float  # the year's whole column, which a pointer can hit however short the bar
    slot_width: float
    href: str = ""

    @property
    def label(self) -> str:
        return f"{self.year}: {self.count:,} contribution{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Label:
    year: int
    x: float


@dataclass(frozen=True)
class Timeline:
    bars: tuple[Bar, ...]  # one per year from the first to the last, zeros included
    labels: tuple[Label, ...]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    baseline: int = BASELINE
    label_y: int = LABEL_Y

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def plot_height(self) -> int:
        return self.baseline - self.plot_top

    @property
    def years_with_contributions(self) -> tuple[Bar, ...]:
        return tuple(bar for bar in self.bars if bar.count)

    @property
    def title(self) -> str:
        """The chart's accessible name: "Contributions per year, 1998–2024; most in 2011 (412)"."""
        first, last = self.bars[0].year, self.bars[-1].year
        if first == last:
            return f"Contributions in {first}: {self.bars[0].count:,}"
        span = f"{first}–{last}"
        peak = max(bar.count for bar in self.bars)
        if not peak:
            return f"Contributions per year, {span}: none"
        busiest = [str(bar.year) for bar in self.bars if bar.count == peak]
        each = " each" if len(busiest) > 1 else ""
        return f"Contributions per year, {span}; most in {_and(busiest)} ({peak:,}{each})"

    @property
    def description(self) -> str:
        total = f"{self.total:,} contribution{'' if self.total == 1 else 's'}"
        years = len(self.bars)
        if years == 1:
            return f"{total}, all in {self.bars[0].year}. The table below lists the same count."
        text = f"{total} in all, one bar for each of the {years} years"
        if empty := years - len(self.years_with_contributions):
            text += f"; {empty} of them had none"
        return text + ". The table below lists the same counts."

    def linked(self, href_for_year: Callable[[int], str]) -> Timeline:
        """The same chart with each bar linking to ``href_for_year(year)``."""
        return replace(self, bars=tuple(replace(b, href=href_for_year(b.year)) for b in self.bars))


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def draw_timeline(counts: Sequence[tuple[int, int]]) -> Timeline | None:
    """Bars and year labels for (year, count) pairs in any order; None for no pairs.

    Years missing between the first and the last are drawn as zeros, so the axis is
    continuous and a gap in the record shows as a gap.
    """
    by_year = dict(counts)
    if not by_year:
        return None
    first, last = min(by_year), max(by_year)
    years = range(first, last + 1)
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(years)
    bar_width = min(slot * BAR_FILL, MAX_BAR_WIDTH)
    peak = max(by_year.values())
    plot_height = BASELINE - PLOT_TOP
    bars = []
    for i, year in enumerate(years):
        count = by_year.get(year, 0)
        height = max(count / peak * plot_height, MIN_BAR_HEIGHT) if count else 0
        slot_x = PLOT_LEFT + i * slot
        bars.append(
            Bar(
                year=year,
                count=count,
                x=_round(slot_x + (slot - bar_width) / 2),
                y=_round(BASELINE - height),
                width=_round(bar_width),
                height=_round(height),
                slot_x=_round(slot_x),
                slot_width=_round(slot),
            )
        )
    labels = tuple(
        Label(year, _round(PLOT_LEFT + (year - first + 0.5) * slot))
        for year in _label_years(first, last, slot)
    )
    return Timeline(bars=tuple(bars), labels=labels)


def _label_years(first: int, last: int, slot: float) -> list[int]:
    span = last - first
    step = next((s for s in LABEL_STEPS if span / s <= MAX_LABELS - 1), LABEL_STEPS[-1])
    round_years = range(-(-first // step) * step, last + 1, step)
    gap = MIN_LABEL_GAP / slot  # in years
    inner = [y for y in round_years if y - first >= gap and last - y >= gap]
    return sorted({first, *inner, last})


def _round(value: float) -> float | int:
    # Two decimals are finer than any screen shows, and keep the markup short ("24", not "24.0").
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def cached_per_year(
    contributions: QuerySet, *, seconds: float | None = None
) -> list[tuple[int, int]] | None:
    """``contributions.per_year()``, kept until the archive next changes, like facet counts
    (caching.remember), keyed by the SQL of the rows counted, which names the page's
    restriction (a topic, a speaker) and nothing else. Counting stops after ``seconds``
    (settings.FACET_TIME_LIMIT unless given): the page then goes without its chart (None)
    rather than keep the visitor waiting, and does not try again for a while."""
    return caching.remember("timeline", contributions, contributions.per_year, seconds=seconds)


def contribution_timeline(contributions: QuerySet, **filters: str) -> Timeline | None:
    """The chart of ``contributions`` per year, each bar linking to the contribution list
    for that year and ``filters`` (the same restriction as ``contributions``, as the list's
    query parameters: ``topic=<slug>``, ``speaker=<slug>``); None if there are none or
    they could not be counted in time."""
    timeline = draw_timeline(cached_per_year(contributions) or ())
    if timeline is None:
        return None
    url = reverse("debates:contribution-list")
    return timeline.linked(lambda year: f"{url}?{urlencode({**filters, 'year': year})}")
