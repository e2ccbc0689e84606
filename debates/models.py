"""The archive's data model: Hansard's own nouns, designed for all of Hansard, not the seeds.

A Debate is one item of business on one sitting day in one place; a Contribution is one
speech in it by one Speaker. Topics are a small curated vocabulary. Every public URL is
built from a permanent slug or key, never from a primary key that a re-import could change.
"""

from __future__ import annotations

import datetime
import itertools
import re
import time
from functools import reduce

from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class House(models.TextChoices):
    COMMONS = "commons", "House of Commons"
    LORDS = "lords", "House of Lords"

    @property
    def abbreviation(self) -> str:
        """Hansard's prefix for a citation: "HC Deb", "HL Deb"."""
        return {"commons": "HC", "lords": "HL"}[self.value]


def unique_slug(model: type[models.Model], base: str, field: str = "slug", max_length=80) -> str:
    """A slug for ``base`` not yet used by ``model``: "munro-report", then "munro-report-2"."""
    stem = slugify(base)[:max_length].strip("-") or "untitled"
    candidate, n = stem, 1
    while model._default_manager.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


class NaturalKeyManager(models.Manager):
    """Finds rows by their permanent keys, so fixtures never depend on primary keys.

    Loading the seed fixtures into a database that holds other imports then updates the
    same rows instead of overwriting whatever happens to share a primary key.
    """

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class NaturalKeyModel(models.Model):
    NATURAL_KEY: tuple[str, ...] = ()

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple:
        return tuple(reduce(getattr, path.split("__"), self) for path in self.NATURAL_KEY)


class Party(NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    name = models.CharField(
        max_length=100, unique=True, help_text='Full name, e.g. "Labour (Co-op)"'
    )
    short_name = models.CharField(
        max_length=30, unique=True, help_text='As printed after a speaker, e.g. "Lab/Co-op"'
    )
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("debates:party-detail", kwargs={"slug": self.slug})


class SpeakerQuerySet(models.QuerySet):
    def for_listing(self):
        # Counted per speaker listed, from the (speaker, debate) index, rather than by
        # grouping every contribution: 13 s for a page of speakers at 10M contributions.
        return (
            self.select_related("party")
            .annotate(contribution_count=_count_of(Contribution, "speaker"))
            .order_by("name", "pk")
        )

    def for_api(self):
        return self.for_listing().prefetch_related("names")

    def for_detail(self):
        return self.select_related("party").prefetch_related("names")


class Speaker(NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    name = models.CharField(max_length=200, help_text='Canonical name, e.g. "Edward Timpson"')
    slug = models.SlugField(max_length=200, unique=True, help_text="Permanent: used in URLs.")
    house = models.CharField(
        max_length=10, choices=House.choices, blank=True, help_text="The House they sit in now."
    )
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="speakers",
        help_text="Current party; the party at the time of a speech is on each contribution.",
    )
    constituency = models.CharField(
        max_length=200, blank=True, help_text="Blank for peers, who have none."
    )
    parliament_member_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text="data.parliament.uk member id"
    )
    twfy_person_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text="TheyWorkForYou person id"
    )

    objects = NaturalKeyManager.from_queryset(SpeakerQuerySet)()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        renamed = self.pk and Speaker.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:
            # The search index holds the speaker's name beside each speech.
            self.contributions.update(search_speaker=self.name)

    def get_absolute_url(self) -> str:
        return reverse("debates:speaker-detail", kwargs={"slug": self.slug})

    def merge(self, duplicate: Speaker) -> None:
        """Fold ``duplicate`` into this speaker; its slug keeps working as a redirect.

        Call inside a transaction: it moves contributions and name forms, then deletes.
        """
        if duplicate.pk == self.pk:
            raise ValueError("A speaker cannot be merged into itself.")
        duplicate.contributions.update(speaker=self, search_speaker=self.name)
        known = set(self.names.values_list("name", flat=True))
        for form in duplicate.names.all():
            if form.name not in known:
                form.speaker = self
                form.save(update_fields=["speaker"])
        if duplicate.name not in known:
            SpeakerName.objects.get_or_create(speaker=self, name=duplicate.name)
        for field in ("party", "constituency", "house", "parliament_member_id", "twfy_person_id"):
            if not getattr(self, field) and getattr(duplicate, field):
                setattr(self, field, getattr(duplicate, field))
        duplicate.slug_redirects.update(speaker=self)
        old_slug = duplicate.slug
        duplicate.delete()
        SpeakerSlugRedirect.objects.create(old_slug=old_slug, speaker=self)
        self.save()


class SpeakerName(NaturalKeyModel):
    """A form of a speaker's name seen in Hansard: "Mr Timpson", "Mr Edward Timpson"."""

    NATURAL_KEY = ("speaker__slug", "name")

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["speaker", "name"], name="unique_speaker_name_form")
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class SpeakerSlugRedirect(NaturalKeyModel):
    """A slug a speaker used to have (before a merge), kept so old links still work."""

    NATURAL_KEY = ("old_slug",)

    old_slug = models.SlugField(max_length=200, unique=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="slug_redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.speaker.slug}"


def _count_of(model: type[models.Model], field: str):
    """A correlated COUNT subquery: counting two relations with joins would multiply them."""
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("*"))
            .values("n")
        ),
        0,
    )


class TopicQuerySet(models.QuerySet):
    def for_listing(self):
        return self.annotate(
            debate_count=_count_of(Debate.topics.through, "topic"),
            contribution_count=_count_of(ContributionTopic, "topic"),
        ).order_by("name", "pk")


class Topic(NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    objects = NaturalKeyManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("debates:topic-detail", kwargs={"slug": self.slug})


class Source(NaturalKeyModel):
    """A raw document that contributions were read from: provenance for every row."""

    NATURAL_KEY = ("sha256",)

    class Format(models.TextChoices):
        PAGE = "page", "Debate page text"
        CONTRIBUTION_RECORD = "contribution-record", "Proceeding contribution record"
        PARLPARSE_XML = "parlparse-xml", "TheyWorkForYou ParlParse XML"

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=30, choices=Format.choices)
    url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=200, default="Open Parliament Licence v3.0")

    class Meta:
        ordering = ["file_name"]

    def __str__(self) -> str:
        return self.file_name


class DebateQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("topics").order_by("-date", "title", "pk")

    def for_detail(self):
        return self.prefetch_related("topics")


class Debate(NaturalKeyModel):
    NATURAL_KEY = ("slug",)
    # What each of its contributions keeps a copy of (see Contribution.DERIVED_FIELDS).
    COPIED_TO_CONTRIBUTIONS = ("date", "title", "house", "location")

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120, unique=True, help_text="Permanent: used in URLs.")
    date = models.DateField(help_text="The sitting day.")
    house = models.CharField(max_length=10, choices=House.choices)
    location = models.CharField(
        max_length=100,
        blank=True,
        help_text="Commons Chamber, Westminster Hall, Grand Committee, ...",
    )
    department = models.CharField(max_length=200, blank=True)
    kind = models.CharField(
        max_length=50, blank=True, help_text="adjournment, urgent question, bill, ..."
    )
    session = models.CharField(max_length=20, blank=True, help_text='e.g. "2009-10"')
    source_url = models.URLField(max_length=500, blank=True, help_text="Official Hansard page")
    topics = models.ManyToManyField(Topic, blank=True, related_name="debates")
    sources = models.ManyToManyField(Source, blank=True, related_name="debates")
    # When a write last changed what this debate's pages show (debates.caching): their
    # cached copies are kept under it. Not in fixtures: a load stamps its own time.
    pages_changed = models.DateTimeField(default=timezone.now, editable=False, serialize=False)

    objects = NaturalKeyManager.from_queryset(DebateQuerySet)()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            # Two documents describing the same item of business are one debate.
            models.UniqueConstraint(
                fields=["date", "house", "location", "title"], name="unique_debate_sitting"
            ),
        ]
        indexes = [
            models.Index(fields=["date"]),
            models.Index(fields=["house", "date"]),
            models.Index(fields=["location"]),
            models.Index(fields=["department"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%-d %B %Y})"

    def save(self, *args, **kwargs):
        previous = (
            Debate.objects.filter(pk=self.pk).values(*self.COPIED_TO_CONTRIBUTIONS).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if previous and previous != {f: getattr(self, f) for f in self.COPIED_TO_CONTRIBUTIONS}:
            # A corrected sitting moves the speeches in listings, filters and the search index.
            for contribution in self.contributions.select_related("speaker"):
                contribution.debate = self
                contribution.save(update_fields=[])

    def get_absolute_url(self) -> str:
        return reverse("debates:debate-detail", kwargs={"slug": self.slug})

    def get_akn_url(self) -> str:
        """The debate as an Akoma Ntoso XML document."""
        return reverse("debates:debate-akn", kwargs={"slug": self.slug})

    @property
    def house_abbreviation(self) -> str:
        return House(self.house).abbreviation

    @property
    def sitting(self) -> str:
        """How Hansard's citations name the sitting: "HC Deb 23 February 2010"."""
        return f"{self.house_abbreviation} Deb {self.date.day} {self.date:%B %Y}"


def sort_key_day(day: datetime.date) -> str:
    """A sitting date as the sort key begins: YYYYMMDD, zero-padded whatever the year."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


class ContributionQuerySet(models.QuerySet):
    def for_listing(self):
        """Everything a list row shows, in a fixed number of queries, newest first."""
        return self.select_related("debate", "speaker", "party").order_by("-sort_key")

    def for_debate_page(self):
        return self.select_related("speaker", "party").order_by("sequence")

    def for_permalink(self):
        return self.select_related("debate", "speaker", "party").prefetch_related("topics")

    def for_api(self):
        tags = ContributionTopic.objects.select_related("topic").order_by("topic__name")
        return self.for_listing().prefetch_related(
            models.Prefetch("contributiontopic_set", queryset=tags)
        )

    def per_year(self) -> list[tuple[int, int]]:
        """(year, contributions) for each sitting year these contributions have, earliest
        first, in one grouped query on the sort key's first four characters: no join to
        debates and no date function, which SQLite runs in Python for every row."""
        rows = (
            self.order_by()
            .annotate(year=Substr("sort_key", 1, 4))
            .values_list("year")
            .annotate(n=Count("*"))
        )
        return sorted((int(year), n) for year, n in rows)


class Contribution(NaturalKeyModel):
    NATURAL_KEY = ("key",)
    # Columns save() derives from the debate, the speaker and the paragraphs.
    DERIVED_FIELDS = (
        "sort_key",
        "house",
        "location",
        "search_title",
        "search_speaker",
        "search_text",
    )

    key = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Permanent public key for the permalink, derived from the source's identity.",
    )
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="contributions")
    sequence = models.PositiveIntegerField(help_text="Position in the debate, from 1.")
    sort_key = models.CharField(
        max_length=150,
        unique=True,
        editable=False,
        help_text="Sitting date, debate and position in one indexed column, so listings and "
        "cursor pagination order millions of speeches without a join or a sort.",
    )
    # The debate's House and location, copied so that filtering and counting millions of
    # speeches by them needs no join (and `house` shares an index with the sort order).
    house = models.CharField(max_length=10, choices=House.choices, editable=False)
    location = models.CharField(max_length=100, blank=True, editable=False)
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="contributions")
    display_name = models.CharField(max_length=200, help_text='As printed: "Mr Timpson"')
    role = models.CharField(max_length=300, blank=True, help_text="As printed before the name.")
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        help_text="Party at the time of speaking.",
    )
    paragraphs = models.JSONField(
        default=list,
        help_text='[{"kind": "speech" | "quotation" | "procedural", "text": "..."}, ...]',
    )
    column_reference = models.CharField(
        max_length=40, blank=True, help_text='Volume and columns: "506 c185-6", "716 c216-7GC"'
    )
    source_uri = models.URLField(max_length=300, blank=True)
    fingerprint = models.CharField(
        max_length=64, unique=True, help_text="sha256 of the sitting and the words: identity."
    )
    # Copies of the debate title, the speaker's name and the words, kept by save(): full-text
    # search indexes one row (PostgreSQL's generated tsvector column cannot read other
    # tables; SQLite's FTS5 table mirrors these columns). See debates/search.py.
    search_title = models.CharField(max_length=500, editable=False, default="")
    search_speaker = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    sources = models.ManyToManyField(Source, blank=True, related_name="contributions")
    topics = models.ManyToManyField(
        Topic, blank=True, through="ContributionTopic", related_name="contributions"
    )

    objects = NaturalKeyManager.from_queryset(ContributionQuerySet)()

    class Meta:
        ordering = ["debate", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["debate", "sequence"], name="unique_contribution_position"
            ),
            models.UniqueConstraint(
                fields=["source_uri"], condition=~Q(source_uri=""), name="unique_source_uri"
            ),
        ]
        indexes = [
            models.Index(fields=["speaker", "debate"]),
            # Listings filtered by party or location, newest first, read in index order (by
            # House: the first facet index below).
            models.Index(fields=["party", "sort_key"]),
            models.Index(fields=["location", "sort_key"]),
            # Facets filtered by House, party and years: each facet reads one narrow index
            # range (those values, then the other facets' columns) instead of thousands of
            # 5 kB rows. At 1M contributions on PostgreSQL, the speaker facet of one House,
            # party and year went from 137 ms to 0.9 ms (bench/NOTES.md).
            models.Index(
                fields=["house", "sort_key", "party", "speaker", "debate", "location"],
                name="contribution_house_facets",
            ),
            models.Index(
                fields=["party", "house", "sort_key", "speaker", "debate", "location"],
                name="contribution_party_facets",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}, {self.debate}"

    def save(self, *args, **kwargs):
        self.derive_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("debates:contribution-detail", kwargs={"key": self.key})

    def derive_fields(self) -> None:
        """Set the DERIVED_FIELDS; save() does, and so must anything that bulk-creates."""
        self.sort_key = self.sort_key_for(self.debate, self.sequence)
        self.house = self.debate.house
        self.location = self.debate.location
        self.search_title = self.debate.title
        self.search_speaker = self.speaker.name
        self.search_text = self.text

    @staticmethod
    def sort_key_for(debate: Debate, sequence: int) -> str:
        """From the debate's date and permanent slug, never a primary key, so fixtures
        loaded into any database keep the same order."""
        return f"{sort_key_day(debate.date)}.{debate.slug}.{sequence:06d}"

    _REFERENCE = re.compile(r"^(?P<volume>\d+)\s+c{1,2}\s*(?P<columns>\S+)$")

    @property
    def volume(self) -> int | None:
        match = self._REFERENCE.match(self.column_reference)
        return int(match["volume"]) if match else None

    @property
    def columns(self) -> str | None:
        """Columns in Hansard's citation form: "c185", "cc185-6", "cc216-7GC"."""
        match = self._REFERENCE.match(self.column_reference)
        if not match:
            return None
        prefix = "cc" if "-" in match["columns"] else "c"
        return f"{prefix}{match['columns']}"

    @property
    def citation(self) -> str:
        """Hansard's own citation form: "HC Deb 23 February 2010, vol 506, cc185-6".

        Where the volume and columns are unknown, the date, House and debate title
        identify the speech instead.
        """
        if self.volume is not None:
            return f"{self.debate.sitting}, vol {self.volume}, {self.columns}"
        return f"{self.debate.sitting}, {self.debate.title}"

    @property
    def text(self) -> str:
        return "\n\n".join(paragraph["text"] for paragraph in self.paragraphs)

    @property
    def opening(self) -> str:
        """The first paragraph of the member's own words, for list rows and link previews."""
        return next(
            (p["text"] for p in self.paragraphs if p["kind"] != "procedural"),
            self.paragraphs[0]["text"] if self.paragraphs else "",
        )

    def neighbours(self) -> tuple[Contribution | None, Contribution | None]:
        """The contributions just before and after this one in its debate."""
        siblings = Contribution.objects.filter(debate_id=self.debate_id).select_related("speaker")
        previous = siblings.filter(sequence__lt=self.sequence).order_by("-sequence").first()
        following = siblings.filter(sequence__gt=self.sequence).order_by("sequence").first()
        return previous, following

    def merge(self, duplicate: Contribution) -> None:
        """Fold a duplicate record of this speech into it; its key keeps working.

        Call inside a transaction. Sources, topics and any column or URI this one lacks
        move across; the duplicate's key becomes a permanent redirect.
        """
        if duplicate.pk == self.pk:
            raise ValueError("A contribution cannot be merged into itself.")
        for field in ("column_reference", "source_uri", "role"):
            if not getattr(self, field) and getattr(duplicate, field):
                setattr(self, field, getattr(duplicate, field))
        self.sources.add(*duplicate.sources.all())
        known_topics = set(self.contributiontopic_set.values_list("topic_id", flat=True))
        duplicate.contributiontopic_set.exclude(topic_id__in=known_topics).update(contribution=self)
        duplicate.key_redirects.update(contribution=self)
        old_key = duplicate.key
        # Deleted first: its source URI, now ours, must be free under the unique constraint.
        duplicate.delete()
        self.save()
        ContributionKeyRedirect.objects.create(old_key=old_key, contribution=self)


class ContributionKeyRedirect(NaturalKeyModel):
    """A permalink key retired by a merge, kept so journalists' links never break."""

    NATURAL_KEY = ("old_key",)

    old_key = models.SlugField(max_length=40, unique=True)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="key_redirects"
    )

    def __str__(self) -> str:
        return f"{self.old_key} → {self.contribution.key}"


class ContributionTopic(NaturalKeyModel):
    NATURAL_KEY = ("contribution__key", "topic__slug")

    class Provenance(models.TextChoices):
        RULE = "rule", "Tagged by a reviewed rule"
        CURATOR = "curator", "Tagged by a curator"

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    provenance = models.CharField(
        max_length=10, choices=Provenance.choices, default=Provenance.CURATOR
    )
    matched_phrase = models.CharField(
        max_length=200, blank=True, help_text="The rule phrase that matched, for rule tags."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "topic"], name="unique_contribution_topic"
            )
        ]
        indexes = [models.Index(fields=["topic", "contribution"])]

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_provenance_display()})"


class ArchiveState(models.Model):
    """When the archive's data last changed: one row, for Last-Modified and ETag headers and
    the keys of everything cached (debates.caching).

    Every write moves it on once, at commit (debates.caching.archive_changed), so a
    conditional request can be answered 304 from this one row without building a response.
    """

    changed = models.DateTimeField()
    version = models.PositiveBigIntegerField(default=0)
    # The version at which a topic or party last changed: their names are on every
    # debate's pages, which are otherwise kept per debate (Debate.pages_changed).
    vocabulary_version = models.PositiveBigIntegerField(default=0, editable=False)
    # The version ContributionTally was counted at: it stands for the contributions only
    # while this equals `version`.
    tallied_version = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "archive state"

    def __str__(self) -> str:
        return f"Archive version {self.version}, changed {self.changed:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def tally_is_current(cls) -> bool:
        return cls.objects.filter(pk=1, tallied_version=models.F("version")).exists()

    @classmethod
    def touch(cls, *, vocabulary: bool = False) -> ArchiveState:
        """Move the version on (and the vocabulary's with it, if ``vocabulary``)."""
        # Whole seconds: HTTP dates have no finer grain, so If-Modified-Since compares true.
        now = timezone.now().replace(microsecond=0)
        moved = {"changed": now, "version": models.F("version") + 1}
        if vocabulary:
            moved["vocabulary_version"] = models.F("version") + 1
        if not cls.objects.filter(pk=1).update(**moved):
            # A new archive starts from the clock (microseconds), not from 1: the caches
            # outlive a database that is dropped and loaded again (they may be in Redis),
            # and must never serve the old archive's pages under a version number reused.
            first = time.time_ns() // 1000
            cls.objects.get_or_create(
                pk=1, defaults={"changed": now, "version": first, "vocabulary_version": first}
            )
        return cls.objects.get(pk=1)


class ContributionTallyQuerySet(models.QuerySet):
    def refresh(self) -> int:
        """Count the contributions again, in one grouped query, and their topic tags in
        another, and mark the tally current for the archive's version; returns how many
        tally rows there are.

        The version is read first: if an import commits while this counts, the tally is
        labelled with the version before it, and no page trusts it until the next refresh.
        """
        with transaction.atomic():
            version = ArchiveState.objects.filter(pk=1).values_list("version", flat=True).first()
            contributions = (
                Contribution.objects.order_by()
                .annotate(year=Cast(Substr("sort_key", 1, 4), models.IntegerField()))
                .values_list("house", "location", "party", "year")
                .annotate(n=Count("*"))
            )
            tags = (
                ContributionTopic.objects.order_by()
                .annotate(year=Cast(Substr("contribution__sort_key", 1, 4), models.IntegerField()))
                .values_list(
                    "contribution__house",
                    "contribution__location",
                    "contribution__party",
                    "year",
                    "topic",
                )
                .annotate(n=Count("*"))
            )
            self.all().delete()
            rows = itertools.chain(
                ((*group, None, n) for *group, n in contributions.iterator()), tags.iterator()
            )
            tally = self.bulk_create(
                (
                    self.model(
                        house=house,
                        location=location,
                        party_id=party,
                        year=year,
                        topic_id=topic,
                        contributions=n,
                    )
                    for house, location, party, year, topic, n in rows
                ),
                batch_size=1000,
            )
            ArchiveState.objects.filter(pk=1).update(tallied_version=version)
        return len(tally)


class ContributionTally(models.Model):
    """How many contributions each (House, location, party, year) has, and how many of
    them carry each topic: a summary of the contributions, thousands of rows for
    millions, refreshed after every import (debates.warming).

    Facets that group and filter by these columns alone count from it (debates.facets):
    the year facet of a House and party, say, reads a few hundred rows instead of a
    hundred thousand, and the topic facet of a year reads that year's topic rows instead
    of joining its contributions to their tags. It is used only while
    ArchiveState.tallied_version is current, so a write it has not seen (an admin edit)
    sends facets back to the contributions.
    """

    house = models.CharField(max_length=10, choices=House.choices)
    location = models.CharField(max_length=100, blank=True)
    party = models.ForeignKey(Party, null=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # Null: every contribution of the group; a topic: those of them tagged with it.
    topic = models.ForeignKey(Topic, null=True, on_delete=models.CASCADE, related_name="+")
    contributions = models.PositiveIntegerField()

    objects = ContributionTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["house", "location", "party", "year", "topic"],
                name="unique_contribution_tally",
            )
        ]
        # Each facet reads the rows of the other filters: of a year (and House, party),
        # or, for the year facet, of a party (and House). Without them a facet of one
        # House, party and year scanned every row of that House: 32 ms at 1M
        # contributions, 0.2 ms with them.
        indexes = [
            models.Index(fields=["year", "house", "party", "topic"], name="tally_by_year"),
            models.Index(fields=["party", "house", "topic"], name="tally_by_party"),
        ]

    def __str__(self) -> str:
        topic = f" topic {self.topic_id}" if self.topic_id else ""
        place = f"{self.house} {self.location} {self.party_id} {self.year}{topic}"
        return f"{place}: {self.contributions}"
