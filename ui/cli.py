"""The `assistant` command: index, ask, chat, ui and eval, with one-line errors and exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable

from assistant.answers import QuestionError
from assistant.config import MODES, AssistantConfig, assistant_config_from_env
from index import (
    DocumentsFolderError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    MultilingualModelError,
    StorageBusyError,
)
from ui.answer_commands import ask_command, chat_command
from ui.index_command import index_command, interrupt

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
    index.set_defaults(command=index_command)

    ask = commands.add_parser(
        "ask", parents=[storage, retrieval, generation], help="answer one question"
    )
    ask.add_argument("question", nargs="?", help="the question; with --json and none, read stdin")
    ask.add_argument("--json", action="store_true", help="print the JSON answer contract")
    ask.set_defaults(command=ask_command)

    chat = commands.add_parser(
        "chat", parents=[storage, retrieval, generation], help="converse in the terminal"
    )
    chat.set_defaults(command=chat_command)

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
    signal.signal(signal.SIGTERM, interrupt)
    serve(config, args.host, args.port, auth, args.allow_unauthenticated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
