"""`assistant check`: whether the documents support a claim, as text or one JSON line per claim."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.answers import QuestionError
from assistant.config import AssistantConfig


def add_check_command(
    commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> None:
    """Register `check` with the CLI's shared --storage/--top-k/--mode parents."""
    check = commands.add_parser(
        "check", parents=parents, help="check a claim against the documents"
    )
    check.add_argument("claim", nargs="?", help="the claim; with --json and none, read stdin")
    check.add_argument("--json", action="store_true", help="one JSON object per claim")
    check.set_defaults(command=_check)


def _check(args: argparse.Namespace, config: AssistantConfig) -> int:
    from assistant.assistant import Assistant

    if args.claim is None and not args.json:
        raise QuestionError("Give a claim, or use --json to read claims from stdin")
    assistant = Assistant.open(config)
    claims = [args.claim] if args.claim is not None else (line.rstrip("\n") for line in sys.stdin)
    for claim in claims:
        if not claim.strip() and args.claim is None:
            continue
        try:
            result = assistant.check_claim(claim).to_dict()
        except QuestionError as error:
            if not args.json:
                raise
            result = {"claim": claim, "error": str(error)}
        print(json.dumps(result, ensure_ascii=False) if args.json else _format_claim(result))
    return 0


def _format_claim(result: dict) -> str:
    """The verdict, then the quotes, for reading in a terminal."""
    verdict = "Supported" if result["supported"] else "Not supported"
    lines = [f"{verdict}: {result['reason']}"]
    for c in result["citations"]:
        lines.append(f"[{c['id']}] {c['source']}, characters {c['start']}-{c['end']}")
        lines.append(f"    \u201c{c['quote']}\u201d")
    return "\n".join(lines)
