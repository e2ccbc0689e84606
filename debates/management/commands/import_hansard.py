"""python manage.py import_hansard PATH [PATH ...] [--dry-run --json]"""

import hashlib
import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from debates.importing.curation import (
    apply_manifest,
    load_curated_tags,
    load_manifest,
    load_speaker_facts,
    load_topic_vocabulary,
)
from debates.importing.detect import parse_document
from debates.importing.errors import LoadError, SourceFormatError
from debates.importing.load import SourceDocument, load_documents
from debates.warming import warm_counts


class Command(BaseCommand):
    help = (
        "Import Hansard source documents (debate page text, data.parliament.uk proceeding "
        "contribution records or TheyWorkForYou ParlParse XML, told apart by their content) "
        "into the archive, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Parse only; touch no table.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="With --dry-run: print the parse as one JSON object.",
        )

    def handle(self, *args, paths, dry_run=False, as_json=False, **options):
        if as_json and not dry_run:
            raise CommandError("--json is only for --dry-run")
        data_dir = Path(settings.IMPORT_DATA_DIR)
        try:
            manifest = load_manifest(data_dir / "sources" / "manifest.toml")
            sources = [
                self._read(Path(path), path, manifest) for path in self._with_progress(paths)
            ]
            if dry_run:
                self._print_dry_run(sources, as_json=as_json)
                return
            topics = load_topic_vocabulary(data_dir / "topics.toml")
            report = load_documents(
                sources,
                speaker_facts=load_speaker_facts(data_dir / "speakers.toml"),
                topics=topics,
                curated_tags=load_curated_tags(data_dir / "topics.toml", topics),
            )
        except (SourceFormatError, LoadError) as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.changed:
            self.stdout.write("Nothing changed: every document was already imported.")
            return
        self.stdout.write(warm_counts().summary())

    def _read(self, path: Path, given: str, manifest) -> SourceDocument:
        try:
            data = path.read_bytes()
        except IsADirectoryError as error:
            raise SourceFormatError(given, None, "is a directory, not a file") from error
        except OSError as error:
            raise SourceFormatError(given, None, f"cannot be read: {error.strerror}") from error
        sha256 = hashlib.sha256(data).hexdigest()
        entry = manifest.get(sha256)
        document = apply_manifest(parse_document(data, given), entry)
        return SourceDocument(
            document=document,
            file_name=path.name,
            sha256=sha256,
            url=(entry.url or "") if entry else "",
        )

    def _with_progress(self, paths):
        # A progress line only for a person watching many files, never in pipes or logs.
        show = len(paths) > 1 and sys.stderr.isatty()
        for index, path in enumerate(paths, start=1):
            if show:
                sys.stderr.write(f"\rparsing {index}/{len(paths)}: {path[-60:]:<60}")
                sys.stderr.flush()
            yield path
        if show:
            sys.stderr.write("\n")

    def _print_dry_run(self, sources, *, as_json: bool) -> None:
        documents = [source.document for source in sources]
        if as_json:
            payload = {"documents": [document.as_contract() for document in documents]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for document in documents:
            contributions = sum(len(d.contributions) for d in document.debates)
            self.stdout.write(
                f"{document.path}: {document.format}, {len(document.debates)} debate(s), "
                f"{contributions} contribution(s)"
            )
