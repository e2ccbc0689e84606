"""Reviewed data files that complete what source documents lack.

- ``fixtures/sources/manifest.toml``: per document (matched by sha256), a debate title,
  official URL and kind that the text does not carry;
- ``fixtures/speakers.toml``: speaker facts (party, constituency, house) with a source note;
- ``fixtures/topics.toml``: the topic vocabulary, its tagging phrases, and curators' tags
  for contributions that no phrase catches.

Plain Python with no Django imports, so these can be read and checked anywhere.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceFormatError
from .parsed import ParsedDocument
from .parties import resolve_party


@dataclass(frozen=True)
class ManifestEntry:
    sha256: str
    file: str = ""
    title: str | None = None
    url: str | None = None
    kind: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class SpeakerFacts:
    name: str
    house: str | None = None
    party: str | None = None
    party_source: str = ""
    constituency: str | None = None
    constituency_source: str = ""


@dataclass(frozen=True)
class TopicDefinition:
    slug: str
    name: str
    description: str
    phrases: tuple[str, ...]
    parent: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """Whole-word, case-insensitive match of any phrase; curly and straight quotes alike."""
        alternatives = sorted((re.escape(p) for p in self.phrases), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)

    def matched_phrase(self, text: str) -> str | None:
        match = self.pattern.search(text.replace("’", "'"))
        return match.group(0) if match else None


@dataclass(frozen=True)
class CuratedTag:
    """A curator's tag for a contribution no phrase rule catches, by its permanent key."""

    contribution: str
    topic: str
    note: str


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        # TOMLDecodeError's message already says "(at line N, column M)".
        raise SourceFormatError(str(path), None, f"not valid TOML: {error}") from error


def _entries(path: Path, data: dict, table: str, cls: type) -> list:
    fields = {f.name for f in dataclasses.fields(cls)}
    entries = []
    for index, raw in enumerate(data.get(table, []), start=1):
        unknown = set(raw) - fields
        if unknown:
            raise SourceFormatError(
                str(path), None, f"[[{table}]] #{index}: unknown keys {sorted(unknown)}"
            )
        try:
            entries.append(
                cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
            )
        except TypeError as error:
            raise SourceFormatError(str(path), None, f"[[{table}]] #{index}: {error}") from error
    return entries


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    return {e.sha256: e for e in _entries(path, _read_toml(path), "document", ManifestEntry)}


def load_speaker_facts(path: Path) -> dict[str, SpeakerFacts]:
    facts = {}
    for entry in _entries(path, _read_toml(path), "speaker", SpeakerFacts):
        if entry.party and resolve_party(entry.party) is None:
            raise SourceFormatError(str(path), None, f"{entry.name}: unknown party {entry.party!r}")
        facts[entry.name] = entry
    return facts


def load_topic_vocabulary(path: Path) -> list[TopicDefinition]:
    topics = _entries(path, _read_toml(path), "topic", TopicDefinition)
    slugs = [t.slug for t in topics]
    if len(slugs) != len(set(slugs)):
        raise SourceFormatError(str(path), None, "two topics share a slug")
    return topics


def load_curated_tags(path: Path, topics: list[TopicDefinition]) -> list[CuratedTag]:
    tags = _entries(path, _read_toml(path), "tag", CuratedTag)
    known = {t.slug for t in topics}
    for tag in tags:
        if tag.topic not in known:
            raise SourceFormatError(
                str(path), None, f"tag for {tag.contribution}: no topic {tag.topic!r}"
            )
    return tags


def apply_manifest(document: ParsedDocument, entry: ManifestEntry | None) -> ParsedDocument:
    """Fill in what the manifest knows and the document lacks; text always wins."""
    if entry is None:
        return document
    debates = tuple(
        dataclasses.replace(
            debate,
            title=debate.title or entry.title,
            source_url=debate.source_url or entry.url,
            kind=debate.kind or entry.kind,
        )
        for debate in document.debates
    )
    return dataclasses.replace(document, debates=debates)
