"""The `assistant` command: index, ask, chat, ui and eval, with one-line errors and exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answers import Answer, QuestionError
from assistant.config import MODES, AssistantConfig, assistant_config_from_env
from assistant.library import DATE_ORIGINS
from index import (
    BuildReport,
    DocumentsFolderError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    MultilingualModelError,
    StorageBusyError,
    models_read,
)

if TYPE_CHECKING:
    from assistant.assistant import Assistant

# Every failure a user can cause or fix ends as one line on stderr and exit code 1.
USER_ERRORS = (
    DocumentsFolderError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    MultilingualModelError,
    StorageBusyError,
    QuestionError,
    ValueError,
    OSError,
)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run one command, and turn known errors into a clear message."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # inside the try: a reader that has gone fails here, not at exit
        return code
    except BrokenPipeError:
        # `assistant ask ... | head -1`: the reader has what it wanted. Point stdout at
        # /dev/null so the interpreter's last flush does not print "Broken pipe" either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        config = assistant_config_from_env().with_overrides(
            storage_dir=args.storage,
            top_k=getattr(args, "top_k", None),
            mode=getattr(args, "mode", None),
        )
        config = _with_llm(config, getattr(args, "llm", None))
        command: Callable[[argparse.Namespace, AssistantConfig], int] = args.command
        return command(args, config)
    except BrokenPipeError:  # an OSError, but no failure: main ends quietly
        raise
    except USER_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _with_llm(config: AssistantConfig, spec: str | None) -> AssistantConfig:
    """The config with `--llm SPEC` applied; a bad spec fails here, before anything loads."""
    from dataclasses import replace

    from assistant.generation.backends import parse_spec

    llm = replace(config.llm, spec=spec) if spec else config.llm
    parse_spec(llm.spec)  # raises a one-line ValueError
    return replace(config, llm=llm)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Cited answers from your documents."
    )
    storage = argparse.ArgumentParser(add_help=False)
    storage.add_argument(
        "--storage", help="index folder (default storage/, or $ASSISTANT_STORAGE_DIR)"
    )
    retrieval = argparse.ArgumentParser(add_help=False)
    retrieval.add_argument("--top-k", type=int, help="passages to retrieve (default 5)")
    retrieval.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")
    generation = argparse.ArgumentParser(add_help=False)
    generation.add_argument(
        "--llm",
        metavar="SPEC",
        help="LLM that writes answers, each sentence verified: none (default), "
        "openai:MODEL@URL, ollama:MODEL[@URL], gguf:PATH or gguf:gemma-3-270m ($ASSISTANT_LLM)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    index = commands.add_parser("index", parents=[storage], help="index a documents folder")
    index.add_argument("documents", nargs="?", help="folder to index (default documents/)")
    index.add_argument(
        "--watch", action="store_true", help="keep syncing as files change (Ctrl-C stops)"
    )
    index.add_argument(
        "--interval", type=float, default=1.0, help="seconds between checks with --watch"
    )
    index.set_defaults(command=_index)

    ask = commands.add_parser(
        "ask", parents=[storage, retrieval, generation], help="answer one question"
    )
    ask.add_argument("question", nargs="?", help="the question; with --json and none, read stdin")
    ask.add_argument("--json", action="store_true", help="print the JSON answer contract")
    ask.set_defaults(command=_ask)

    chat = commands.add_parser(
        "chat", parents=[storage, retrieval, generation], help="converse in the terminal"
    )
    chat.set_defaults(command=_chat)

    ui = commands.add_parser(
        "ui", parents=[storage, retrieval, generation], help="serve the web chat"
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860)
    ui.add_argument(
        "--auth", help="USER:PASSWORD required to use the chat (better: $ASSISTANT_UI_AUTH)"
    )
    ui.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve a non-loopback --host without a password (anyone on the network can ask)",
    )
    ui.set_defaults(command=_ui)

    from ui.claimcheck import add_check_command

    add_check_command(commands, [storage, retrieval])
    from assistant.evaluation import add_eval_command

    add_eval_command(commands, [storage, retrieval, generation])
    return parser


def _index(args: argparse.Namespace, config: AssistantConfig) -> int:
    from tqdm import tqdm

    from index import build_index, watch

    index_config = config.index.with_overrides(
        documents_dir=Path(args.documents) if args.documents else None
    )
    if args.watch:
        print(f"Watching {index_config.documents_dir}; Ctrl-C stops.", flush=True)
        # `kill` and service managers stop with SIGTERM: leave as cleanly as on Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print_error(error: Exception) -> None:
    print(f"error: {error}", file=sys.stderr, flush=True)


def _ask(args: argparse.Namespace, config: AssistantConfig) -> int:
    from assistant.assistant import Assistant

    if args.question is None and not args.json:
        raise QuestionError("Give a question, or use --json to read questions from stdin")
    assistant = Assistant.open(config)
    if args.question is not None:
        answer = assistant.ask(args.question)
        print(
            json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer)
        )
        return 0
    for line in sys.stdin:
        print(json.dumps(_answer_line(assistant, line), ensure_ascii=False), flush=True)
    return 0


def _answer_line(assistant: Assistant, line: str) -> dict[str, object]:
    """One stdin line of `ask --json` -> one JSON object: the answer, or {"error": ...}.

    A line that is a JSON object {"question": ..., "history": [earlier questions, oldest
    first]} is answered as a follow-up; any other line is the question itself.
    """
    from assistant.conversation import Conversation

    text = line.rstrip("\n")
    if not text.strip():
        return {"error": "empty line: give a question, or a JSON object with a question"}
    question, history = text, []
    if text.lstrip().startswith("{"):
        try:
            request = json.loads(text)
            question, history = request["question"], request.get("history", [])
            if not isinstance(question, str) or not isinstance(history, list):
                raise TypeError
            if not all(isinstance(earlier, str) for earlier in history):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            return {
                "error": 'not a question: a JSON line needs {"question": "...", '
                '"history": ["an earlier question", ...]}'
            }
    try:
        return Conversation(assistant, history).ask(question).to_dict()
    except QuestionError as error:
        return {"question": question, "error": str(error)}


def format_answer(answer: Answer) -> str:
    """The answer, then its numbered sources, for reading in a terminal."""
    # A failed LLM says so first, so nobody takes the extractive fallback for its answer.
    lines = [f"Note: {answer.notice}", ""] if answer.notice else []
    lines.append(answer.answer)
    if answer.unsupported:
        lines += ["", "Not supported by the documents (left out):"]
        lines += [f"- {dropped.sentence} ({dropped.reason})" for dropped in answer.unsupported]
    if answer.citations:
        lines += ["", "Sources:"]
    for c in answer.citations:
        origin = DATE_ORIGINS.get(c.date_source, "")
        date = f"{c.date}, {origin}" if origin else c.date
        lines.append(f"[{c.id}] {c.title} ({date}) - {c.source}, characters {c.start}-{c.end}")
        lines.append(f"    \u201c{c.quote}\u201d")
    return "\n".join(lines)


def _chat(args: argparse.Namespace, config: AssistantConfig) -> int:
    from assistant.assistant import Assistant
    from assistant.conversation import Conversation

    conversation = Conversation(Assistant.open(config))
    print('Ask about your documents; "exit" or Ctrl-D ends the chat.')
    while True:
        try:
            question = input("> ")
        except EOFError:
            return 0
        if question.strip().lower() in ("exit", "quit"):
            return 0
        if not question.strip():  # a stray Enter is not a goodbye
            continue
        try:
            print(format_answer(conversation.ask(question)), end="\n\n")
        except QuestionError as error:
            print(f"error: {error}")


def _ui(args: argparse.Namespace, config: AssistantConfig) -> int:
    import os

    from ui.access import AUTH_ENV, check_exposure, parse_auth

    # The environment keeps the password out of `ps` listings and shell history.
    auth = parse_auth(args.auth or os.environ.get(AUTH_ENV))
    check_exposure(args.host, auth, args.allow_unauthenticated)  # before the slow imports
    try:
        from ui.server import serve
    except ImportError as error:
        raise OSError(
            f"The web UI needs gradio: pip install 'doc-assistant[ui]' ({error})"
        ) from None
    # `kill` and service managers stop with SIGTERM: leave as on Ctrl-C (temporary files go).
    signal.signal(signal.SIGTERM, _interrupt)
    serve(config, args.host, args.port, auth, args.allow_unauthenticated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
