"""`assistant index`: sync the index with a folder, once or as files change; say what changed."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from assistant.config import AssistantConfig
from index import BuildReport, models_read


def index_command(args: argparse.Namespace, config: AssistantConfig) -> int:
    """Sync once with a progress bar, or keep syncing with --watch until Ctrl-C or SIGTERM."""
    from tqdm import tqdm

    from index import build_index, watch

    index_config = config.index.with_overrides(
        documents_dir=Path(args.documents) if args.documents else None
    )
    if args.watch:
        print(f"Watching {index_config.documents_dir}; Ctrl-C stops.", flush=True)
        # `kill` and service managers stop with SIGTERM: leave as cleanly as on Ctrl-C.
        signal.signal(signal.SIGTERM, interrupt)
        try:
            watch(
                index_config,
                lambda report: _print_sync(report, index_config.storage_dir),
                _print_error,
                args.interval,
            )
        except KeyboardInterrupt:  # the way to stop watching, not a failure
            print("Stopped watching.", flush=True)
        return 0
    with tqdm(total=0, unit="text", desc="Embedding", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = build_index(index_config, progress)
    _print_sync(report, index_config.storage_dir)
    return 0


def _print_sync(report: BuildReport, storage: Path) -> None:
    """One line per file that was not indexed, then what the sync did, counted."""
    for outcome in report.outcomes:
        if outcome.status != "indexed":
            print(f"{outcome.status} {outcome.source}: {outcome.reason}", file=sys.stderr)
    changes = report.changes
    state = " (up to date)" if report.up_to_date else ""
    print(
        f"Indexed {report.documents} documents, {report.chunks} chunks in {report.seconds:.1f} s"
        f"{state} into {storage}\n"
        f"  files: {len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed, {len(changes.unchanged)} unchanged, "
        f"{report.count('duplicate')} duplicates, {report.count('skipped')} skipped, "
        f"{report.count('kept')} kept\n"
        f"  chunks: {report.reused_chunks} reused, {report.embedded_chunks} embedded "
        f"({report.embedded_texts} distinct chunk and sentence texts sent to the model)",
        flush=True,
    )
    _print_languages(report)
    if report.upgraded:
        print(
            f"  upgraded for the multilingual model: {report.multilingual_texts} sentence texts "
            "embedded with it, the stored MiniLM vectors kept",
            flush=True,
        )
    elif report.multilingual_texts:
        print(
            f"  multilingual model: {report.multilingual_texts} sentence texts embedded",
            flush=True,
        )


def _print_languages(report: BuildReport) -> None:
    """Documents per language, and those no embedding model reads (found by their words only)."""
    languages = report.languages()
    if not languages:
        return
    counts = ", ".join(f"{language} {len(sources)}" for language, sources in languages.items())
    print(f"  languages (documents): {counts}", flush=True)
    for language, sources in languages.items():
        if not models_read(language):
            more = f" and {len(sources) - 5} more" if len(sources) > 5 else ""
            shown = ", ".join(sources[:5]) + more
            print(
                f"  read by neither model, found by their words only (BM25): {language}: {shown}",
                flush=True,
            )


def interrupt(signum: int, frame: object) -> None:
    """A signal handler that leaves as Ctrl-C does (`kill` and service managers send SIGTERM)."""
    raise KeyboardInterrupt


def _print_error(error: Exception) -> None:
    print(f"error: {error}", file=sys.stderr, flush=True)
