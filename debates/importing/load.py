"""Parsed documents -> rows, all or nothing.

``load_documents`` writes inside one transaction, so a failure anywhere leaves the
database exactly as it was. Loading is idempotent: a contribution is identified by a
fingerprint of its sitting and words, a debate by its sitting, place and title, a
speaker by their TheyWorkForYou person id where the source gives one and otherwise by
the name forms already seen, so a second run finds everything and changes nothing.
Permalink keys are assigned once, at creation, and never recomputed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, transaction
from django.db.models import Max
from django.utils.text import slugify

from debates import caching
from debates.models import (
    Contribution,
    ContributionTopic,
    Debate,
    House,
    Party,
    Source,
    Speaker,
    SpeakerName,
    Topic,
    unique_slug,
)

from . import names
from .curation import CuratedTag, SpeakerFacts, TopicDefinition
from .errors import LoadError, SourceFormatError
from .parsed import ParsedContribution, ParsedDebate, ParsedDocument
from .parties import resolve_party

# "the hon. Member for Coventry North West (Mr Robinson)": Hansard names a member's seat
# when it refers to them, which tells us a constituency the speaker line may not print.
MEMBER_MENTION = re.compile(r"Member for (?P<constituency>[A-Z][^()]*?) \((?P<name>[^()]+)\)")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class SourceDocument:
    """A parsed document and the raw file it came from."""

    document: ParsedDocument
    file_name: str
    sha256: str
    url: str = ""


@dataclass
class LoadReport:
    # model label -> {object key: outcome}; an object met several times counts once,
    # as its strongest outcome (created beats updated beats unchanged).
    outcomes: dict[str, dict[object, str]] = field(default_factory=lambda: defaultdict(dict))
    warnings: list[str] = field(default_factory=list)

    def record(self, label: str, key: object, outcome: str) -> None:
        order = (UNCHANGED, UPDATED, CREATED)
        previous = self.outcomes[label].get(key, UNCHANGED)
        self.outcomes[label][key] = max(previous, outcome, key=order.index)

    def counts(self, label: str) -> dict[str, int]:
        values = list(self.outcomes[label].values())
        return {outcome: values.count(outcome) for outcome in (CREATED, UPDATED, UNCHANGED)}

    @property
    def changed(self) -> bool:
        return any(
            outcome != UNCHANGED
            for per_model in self.outcomes.values()
            for outcome in per_model.values()
        )

    def summary_lines(self) -> list[str]:
        return [
            "{label}: {created} created, {updated} updated, {unchanged} unchanged".format(
                label=label, **self.counts(label)
            )
            for label in ("sources", "debates", "speakers", "contributions", "topics", "topic tags")
        ]


def check_fits(document: ParsedDocument) -> None:
    """Refuse values too long for their columns before anything is written.

    SQLite would store an overlong value that PostgreSQL rejects; checking here gives the
    same clear error on both, naming the file and line.
    """
    for debate in document.debates:
        _check_lengths(
            document.path,
            debate.line,
            Debate,
            title=debate.title,
            location=debate.location,
            department=debate.department,
            kind=debate.kind,
            session=debate.session,
            source_url=debate.source_url,
        )
        for contribution in debate.contributions:
            _check_lengths(
                document.path,
                contribution.line,
                Contribution,
                display_name=contribution.display_name,
                role=contribution.role,
                column_reference=contribution.column_reference,
                source_uri=contribution.source_uri,
            )
            _check_lengths(
                document.path,
                contribution.line,
                Speaker,
                name=contribution.speaker.name,
                constituency=contribution.speaker.constituency,
            )


def _check_lengths(path: str, line: int, model, **values: str | None) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if value and limit and len(value) > limit:
            raise SourceFormatError(
                path,
                line,
                f"{model._meta.verbose_name} {name.replace('_', ' ')} is {len(value)} "
                f"characters long; at most {limit} fit",
            )


def contribution_fingerprint(
    debate: ParsedDebate, contribution: ParsedContribution, *, with_source_id: bool = False
) -> str:
    """Identity of a speech: the sitting and the words, whatever document carried them.

    Whitespace is collapsed so a page (blank-line paragraphs) and a record (one line a
    paragraph) of the same speech agree. ``with_source_id`` adds the source's own id for
    the speech, for words that do not identify it alone (see ``document_fingerprints``).
    """
    words = " ".join(" ".join(p.text for p in contribution.paragraphs).split())
    identity = f"{debate.date.isoformat()}|{debate.house}|{words}"
    if with_source_id:
        identity += f"|{contribution.source_id}"
    return hashlib.sha256(identity.encode()).hexdigest()


def document_fingerprints(document: ParsedDocument) -> list[list[str]]:
    """Each contribution's fingerprint, debate by debate.

    A whole sitting in one file (ParlParse) says the same words more than once: the
    Speaker's "Order." in several debates. Those words cannot identify one speech, so
    where the source gives each speech its own id ("uk.org.publicwhip/debate/
    2011-06-09a.434.2"), the id joins them; importing the file again gives the same ids.
    Words said once keep the plain fingerprint, which other formats' copies share.
    """
    plain = [[contribution_fingerprint(d, c) for c in d.contributions] for d in document.debates]
    repeated = Counter(fingerprint for debate in plain for fingerprint in debate)
    return [
        [
            contribution_fingerprint(debate, contribution, with_source_id=True)
            if repeated[fingerprint] > 1 and contribution.source_id
            else fingerprint
            for contribution, fingerprint in zip(debate.contributions, fingerprints, strict=True)
        ]
        for debate, fingerprints in zip(document.debates, plain, strict=True)
    ]


def contribution_key(debate: ParsedDebate, fingerprint: str) -> str:
    """The permanent public key: "2010-02-23-hc-3fa9c1b2de" (date, House, identity)."""
    return (
        f"{debate.date.isoformat()}-{House(debate.house).abbreviation.lower()}-{fingerprint[:10]}"
    )


def load_documents(
    sources: list[SourceDocument],
    *,
    speaker_facts: dict[str, SpeakerFacts],
    topics: list[TopicDefinition],
    curated_tags: list[CuratedTag] = (),
) -> LoadReport:
    # Where a database error (a dropped connection, a full disk) struck, for the message
    # that replaces its traceback; the transaction is rolled back either way.
    path, stage, committing = None, "reading the archive before the first document", False
    try:
        loader = _Loader(speaker_facts, topics, curated_tags)
        with transaction.atomic():
            loader.sync_topics()
            for number, source in enumerate(sources, start=1):
                path = source.document.path
                stage = f"importing document {number} of {len(sources)}"
                loader.load_source(source)
            path, stage = None, f"linking and tagging after the last of {len(sources)} documents"
            loader.apply_member_mentions()
            loader.apply_speaker_facts()
            loader.fill_party_at_time()
            loader.tag_topics()
            loader.say_what_changed()
            stage, committing = f"committing {len(sources)} documents", True
    except (DatabaseError, InterfaceError) as error:
        raise LoadError(path, stage, error, at_commit=committing) from error
    return loader.report


class _Loader:
    def __init__(
        self,
        speaker_facts: dict[str, SpeakerFacts],
        topics: list[TopicDefinition],
        curated_tags: list[CuratedTag],
    ):
        self.speaker_facts = speaker_facts
        self.topic_definitions = topics
        self.curated_tags = curated_tags
        self.report = LoadReport()
        self.parties: dict[str, Party] = {p.name: p for p in Party.objects.all()}
        self.speakers: dict[int, Speaker] = {}
        # normalised name form -> ids of speakers known by it
        self.speakers_by_name: dict[str, set[int]] = defaultdict(set)
        self.speakers_by_person_id: dict[int, Speaker] = {}
        for speaker in Speaker.objects.all():
            self._remember(speaker, speaker.name)
        for form in SpeakerName.objects.all():
            self.speakers_by_name[names.normalise(form.name)].add(form.speaker_id)
        self.touched_contributions: dict[int, Contribution] = {}
        self.touched_debates: dict[int, Debate] = {}
        self.mentions: list[tuple[Debate, str, str]] = []

    # Topics -------------------------------------------------------------------------

    def sync_topics(self) -> None:
        existing = {t.slug: t for t in Topic.objects.all()}
        for definition in self.topic_definitions:
            topic = existing.get(definition.slug)
            wanted = {"name": definition.name, "description": definition.description}
            if topic is None:
                topic = Topic.objects.create(slug=definition.slug, **wanted)
                existing[topic.slug] = topic
                self.report.record("topics", topic.slug, CREATED)
            elif any(getattr(topic, k) != v for k, v in wanted.items()):
                Topic.objects.filter(pk=topic.pk).update(**wanted)
                self.report.record("topics", topic.slug, UPDATED)
            else:
                self.report.record("topics", topic.slug, UNCHANGED)
        for definition in self.topic_definitions:
            parent = existing.get(definition.parent) if definition.parent else None
            topic = existing[definition.slug]
            if topic.parent_id != (parent.pk if parent else None):
                Topic.objects.filter(pk=topic.pk).update(parent=parent)
                self.report.record("topics", topic.slug, UPDATED)
        self.topics = existing

    # Documents ----------------------------------------------------------------------

    def load_source(self, source: SourceDocument) -> None:
        document = source.document
        check_fits(document)
        row, created = Source.objects.get_or_create(
            sha256=source.sha256,
            defaults={"file_name": source.file_name, "format": document.format, "url": source.url},
        )
        self.report.record("sources", row.sha256, CREATED if created else UNCHANGED)
        fingerprints = document_fingerprints(document)
        for parsed_debate, debate_fingerprints in zip(document.debates, fingerprints, strict=True):
            debate = self._debate(document.path, parsed_debate, debate_fingerprints, row)
            debate_speakers = self._speakers_in(debate)
            for parsed, fingerprint in zip(
                parsed_debate.contributions, debate_fingerprints, strict=True
            ):
                speaker = self._speaker(parsed, debate, debate_speakers)
                if speaker not in debate_speakers:
                    debate_speakers.append(speaker)
                self._contribution(parsed_debate, parsed, fingerprint, debate, speaker, row)
                for paragraph in parsed.paragraphs:
                    for mention in MEMBER_MENTION.finditer(paragraph.text):
                        self.mentions.append((debate, mention["name"], mention["constituency"]))

    def _debate(
        self, path: str, parsed: ParsedDebate, fingerprints: list[str], source: Source
    ) -> Debate:
        location = parsed.location or ""
        debate = self._existing_debate(parsed, fingerprints, location, source)
        facts = {
            "department": parsed.department or "",
            "kind": parsed.kind or "",
            "session": parsed.session or "",
            "source_url": parsed.source_url or "",
        }
        if debate is None:
            title = parsed.title or self._untitled(path, parsed, source)
            debate = Debate.objects.create(
                title=title,
                slug=unique_slug(Debate, f"{parsed.date.isoformat()} {title}", max_length=110),
                date=parsed.date,
                house=parsed.house,
                location=location,
                **facts,
            )
            outcome = CREATED
        else:
            # Fill what this document knows and earlier ones did not; never overwrite.
            missing = {k: v for k, v in facts.items() if v and not getattr(debate, k)}
            for name, value in missing.items():
                setattr(debate, name, value)
            if missing:
                debate.save(update_fields=list(missing))
            outcome = UPDATED if missing else UNCHANGED
        if not debate.sources.filter(pk=source.pk).exists():
            debate.sources.add(source)
            outcome = outcome if outcome == CREATED else UPDATED
        self.report.record("debates", debate.slug, outcome)
        self.touched_debates[debate.pk] = debate
        return debate

    def _existing_debate(
        self, parsed: ParsedDebate, fingerprints: list[str], location: str, source: Source
    ) -> Debate | None:
        """The debate these contributions belong to, if the archive already has it.

        Contributions already seen identify it best: a curator may have corrected the
        debate's title since. Then the sitting and title; then, for a debate with no title,
        the stand-in filed from this very document (a document that holds several titled
        debates, as a ParlParse sitting does, must not fold them into its first).
        """
        seen = Contribution.objects.filter(fingerprint__in=fingerprints).select_related("debate")
        if known := seen.first():
            return known.debate
        sitting = Debate.objects.filter(date=parsed.date, house=parsed.house, location=location)
        if parsed.title:
            return sitting.filter(title=parsed.title).first()
        return sitting.filter(sources=source).first()

    def _untitled(self, path: str, parsed: ParsedDebate, source: Source) -> str:
        """A stand-in title, unique to the document so unrelated excerpts never merge."""
        self.report.warnings.append(
            f"{path}:{parsed.line}: the debate has no title in the text or in "
            f"fixtures/sources/manifest.toml; filed as untitled until a curator names it"
        )
        return f"Untitled debate (source {source.sha256[:8]})"

    # Speakers -----------------------------------------------------------------------

    def _remember(self, speaker: Speaker, *forms: str) -> None:
        self.speakers[speaker.pk] = speaker
        if speaker.twfy_person_id:
            self.speakers_by_person_id[speaker.twfy_person_id] = speaker
        for form in forms:
            self.speakers_by_name[names.normalise(form)].add(speaker.pk)

    def _find_speaker(self, name: str, house: str, nearby: list[Speaker]) -> Speaker | None:
        """The one known person ``name`` stands for, preferring people in this debate."""
        exact = [self.speakers[pk] for pk in self.speakers_by_name.get(names.normalise(name), ())]
        for pool in (
            exact,
            [s for s in exact if s in nearby],
            [s for s in exact if s.house == house],
        ):
            if len(pool) == 1:
                return pool[0]
        if names.is_short_form(name):
            in_debate = [s for s in nearby if names.could_be(name, s.name)]
            if len(in_debate) == 1:
                return in_debate[0]
            same_house = [
                s
                for s in self.speakers.values()
                if s.house == house and names.could_be(name, s.name)
            ]
            if len(same_house) == 1:
                return same_house[0]
        return None

    def _speaker(
        self, parsed: ParsedContribution, debate: Debate, nearby: list[Speaker]
    ) -> Speaker:
        name = parsed.speaker.name
        person_id = parsed.speaker.twfy_person_id
        speaker = self.speakers_by_person_id.get(person_id) if person_id else None
        if speaker is None:
            speaker = self._find_speaker(name, debate.house, nearby)
            if speaker and person_id and speaker.twfy_person_id is not None:
                speaker = None  # a namesake: TheyWorkForYou knows them by another id
        outcome = UNCHANGED
        if speaker is None:
            canonical = name if names.is_peer(name) else names.without_honorific(name)
            speaker = Speaker.objects.create(
                name=canonical,
                slug=unique_slug(Speaker, canonical, max_length=190),
                house=debate.house,
                twfy_person_id=person_id,
            )
            outcome = CREATED
        forms = {name, speaker.name}
        if parsed.display_name and parsed.display_name != parsed.role:
            forms.add(parsed.display_name)
        known = set(speaker.names.values_list("name", flat=True)) if outcome != CREATED else set()
        for form in sorted(forms - known):
            SpeakerName.objects.create(speaker=speaker, name=form)
            outcome = outcome if outcome == CREATED else UPDATED

        # Facts printed at this speech fill gaps; they never overwrite what is known.
        changed = []
        party = self._party(parsed.speaker.party)
        if party and speaker.party_id is None:
            speaker.party, changed = party, [*changed, "party"]
        if parsed.speaker.constituency and not speaker.constituency:
            speaker.constituency, changed = parsed.speaker.constituency, [*changed, "constituency"]
        if not speaker.house:
            speaker.house, changed = debate.house, [*changed, "house"]
        if person_id and speaker.twfy_person_id is None:
            # Found by name, say from a debate page: now the person id finds them too.
            speaker.twfy_person_id, changed = person_id, [*changed, "twfy_person_id"]
        if changed:
            speaker.save(update_fields=changed)
            outcome = outcome if outcome == CREATED else UPDATED
        self._remember(speaker, *forms)
        self.report.record("speakers", speaker.slug, outcome)
        return speaker

    def _party(self, full_name: str | None) -> Party | None:
        if not full_name:
            return None
        known = resolve_party(full_name)
        name = known.name if known else full_name
        if name not in self.parties:
            short_name = known.short_name if known else full_name
            self.parties[name], _ = Party.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "slug": slugify(name)}
            )
        return self.parties[name]

    def _speakers_in(self, debate: Debate) -> list[Speaker]:
        return list(Speaker.objects.filter(contributions__debate=debate).distinct())

    def apply_member_mentions(self) -> None:
        # Every document is loaded by now: each debate's speakers are read once.
        speakers_by_debate: dict[int, list[Speaker]] = {}
        for debate, name, constituency in self.mentions:
            if debate.pk not in speakers_by_debate:
                speakers_by_debate[debate.pk] = self._speakers_in(debate)
            nearby = speakers_by_debate[debate.pk]
            speaker = self._find_speaker(name, debate.house, nearby)
            if speaker and not speaker.constituency:
                speaker.constituency = " ".join(constituency.split())
                speaker.save(update_fields=["constituency"])
                self.report.record("speakers", speaker.slug, UPDATED)

    def apply_speaker_facts(self) -> None:
        for speaker in Speaker.objects.filter(name__in=list(self.speaker_facts)):
            facts = self.speaker_facts[speaker.name]
            changed = []
            for field_name, value in (
                ("party", self._party(facts.party)),
                ("constituency", facts.constituency),
                ("house", facts.house),
            ):
                if not value:
                    continue
                current = getattr(speaker, field_name)
                if not current:
                    setattr(speaker, field_name, value)
                    changed.append(field_name)
                elif current != value:
                    self.report.warnings.append(
                        f"speakers.toml: {speaker.name}'s {field_name} is {value!r} there "
                        f"but {current!r} in the source text; keeping the source text"
                    )
            if changed:
                speaker.save(update_fields=changed)
                self.report.record("speakers", speaker.slug, UPDATED)
            self.speakers[speaker.pk] = speaker

    # Contributions ------------------------------------------------------------------

    def _contribution(
        self,
        parsed_debate: ParsedDebate,
        parsed: ParsedContribution,
        fingerprint: str,
        debate: Debate,
        speaker: Speaker,
        source: Source,
    ) -> None:
        contribution = Contribution.objects.filter(fingerprint=fingerprint).first()
        if contribution is None and parsed.source_uri:
            contribution = Contribution.objects.filter(source_uri=parsed.source_uri).first()
        facts = {
            "role": parsed.role or "",
            "column_reference": parsed.column_reference or "",
            "source_uri": parsed.source_uri or "",
        }
        if contribution is None:
            last = debate.contributions.aggregate(last=Max("sequence"))["last"] or 0
            contribution = Contribution.objects.create(
                key=contribution_key(parsed_debate, fingerprint),
                fingerprint=fingerprint,
                debate=debate,
                sequence=last + 1,
                speaker=speaker,
                display_name=parsed.display_name,
                party=self._party(parsed.speaker.party),
                # Keys in PostgreSQL jsonb's own order, so dumps agree across databases.
                paragraphs=[{"kind": str(p.kind), "text": p.text} for p in parsed.paragraphs],
                **facts,
            )
            outcome = CREATED
        else:
            missing = {k: v for k, v in facts.items() if v and not getattr(contribution, k)}
            for name, value in missing.items():
                setattr(contribution, name, value)
            if missing:
                contribution.save(update_fields=list(missing))
            outcome = UPDATED if missing else UNCHANGED
        if not contribution.sources.filter(pk=source.pk).exists():
            contribution.sources.add(source)
            outcome = outcome if outcome == CREATED else UPDATED
        self.report.record("contributions", contribution.key, outcome)
        self.touched_contributions[contribution.pk] = contribution

    def say_what_changed(self) -> None:
        """Tell the caches which debates, speakers and topics this load changed
        (debates.caching): every other debate's pages stay as they were kept."""
        if not self.report.changed:
            return

        def changed(label: str) -> set:
            return {k for k, outcome in self.report.outcomes[label].items() if outcome != UNCHANGED}

        debates, contributions = changed("debates"), changed("contributions")
        contributions |= {key for key, _ in changed("topic tags")}
        speakers, topics = changed("speakers"), changed("topics")
        caching.archive_changed(
            debates={d.pk for d in self.touched_debates.values() if d.slug in debates}
            | {c.debate_id for c in self.touched_contributions.values() if c.key in contributions},
            speakers=[s for s in self.speakers.values() if s.slug in speakers],
            topics=[t for t in self.topics.values() if t.slug in topics],
        )

    def fill_party_at_time(self) -> None:
        """Where the text did not print a party, the speaker's reviewed party stands in."""
        for contribution in self.touched_contributions.values():
            if contribution.party_id is None:
                speaker = self.speakers.get(contribution.speaker_id) or contribution.speaker
                if speaker.party_id:
                    contribution.party_id = speaker.party_id
                    contribution.save(update_fields=["party"])
                    self.report.record("contributions", contribution.key, UPDATED)

    def tag_topics(self) -> None:
        """Apply the reviewed phrase rules and the curated tags file.

        Tags a curator added in the admin are never removed or changed here.
        """
        curated = defaultdict(set)
        for tag in self.curated_tags:
            curated[tag.contribution].add(tag.topic)
        for contribution in self.touched_contributions.values():
            text = contribution.text
            current = {
                tag.topic_id: tag
                for tag in ContributionTopic.objects.filter(contribution=contribution)
            }
            for definition in self.topic_definitions:
                topic = self.topics[definition.slug]
                phrase = definition.matched_phrase(text)
                tag = current.get(topic.pk)
                tag_key = (contribution.key, topic.slug)
                if tag is not None and tag.provenance == ContributionTopic.Provenance.CURATOR:
                    continue
                if tag is None and topic.slug in curated[contribution.key]:
                    ContributionTopic.objects.create(contribution=contribution, topic=topic)
                    self.report.record("topic tags", tag_key, CREATED)
                elif phrase and tag is None:
                    ContributionTopic.objects.create(
                        contribution=contribution,
                        topic=topic,
                        provenance=ContributionTopic.Provenance.RULE,
                        matched_phrase=phrase,
                    )
                    self.report.record("topic tags", tag_key, CREATED)
                elif phrase and tag.matched_phrase != phrase:
                    tag.matched_phrase = phrase
                    tag.save(update_fields=["matched_phrase"])
                    self.report.record("topic tags", tag_key, UPDATED)
                elif phrase:
                    self.report.record("topic tags", tag_key, UNCHANGED)
                elif tag is not None:
                    tag.delete()
                    self.report.record("topic tags", tag_key, UPDATED)
        for debate in self.touched_debates.values():
            wanted = set(
                ContributionTopic.objects.filter(contribution__debate=debate).values_list(
                    "topic_id", flat=True
                )
            )
            if set(debate.topics.values_list("pk", flat=True)) != wanted:
                debate.topics.set(wanted)
                self.report.record("debates", debate.slug, UPDATED)
