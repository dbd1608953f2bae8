"""Generated answers on the gold question sets: sentences kept, gold facts, latency, and a check.

    .venv/bin/python benchmarks/quality/generation_report.py [--llm SPEC | --server] [--sets ...]

With `--server`, the Gemma model is served by `python -m llama_cpp.server` on a free loopback
port and reached through `openai:`; otherwise `--llm` (default gguf:gemma-3-270m, in process).
Every answer is checked again: each of its sentences must pass the verifier against exactly the
quotes it cites, and each quote must sit at its offsets. A violation is counted and printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx

from assistant import Assistant
from assistant.config import assistant_config_from_env, llm_config_from_env
from assistant.generation.checks import checker_for
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.gemma import gemma_path
from assistant.generation.verifying import MARKER, split_reply
from index import build_index

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "benchmarks/questions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--llm", default="gguf:gemma-3-270m")
    parser.add_argument("--server", action="store_true", help="serve Gemma with llama_cpp.server")
    parser.add_argument("--sets", nargs="+", default=["documents-gold.jsonl"])
    parser.add_argument("--max-tokens", type=int, default=100)
    parser.add_argument("--storage", default="benchmarks/out/generation-storage")
    parser.add_argument("--out", default="benchmarks/out/generation-report.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    server = start_server() if args.server else None
    try:
        spec = f"openai:gemma@{server[1]}" if server else args.llm
        report = run(spec, args)
    finally:
        if server:
            server[0].terminate()
            server[0].wait(timeout=30)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "answers"}, indent=1))


def run(spec: str, args: argparse.Namespace) -> dict:
    config = assistant_config_from_env().with_overrides(storage_dir=args.storage)
    build_index(config.index.with_overrides(documents_dir=REPO / "documents"))
    llm = replace(llm_config_from_env(os.environ, spec), max_tokens=args.max_tokens, timeout=300)
    assistant = Assistant.open(replace(config, llm=llm))
    checker = checker_for(assistant.index, assistant.config)
    questions = [
        json.loads(line)
        for name in args.sets
        for line in (QUESTIONS / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows, latencies, kept, dropped, violations = [], [], 0, 0, 0
    for done, item in enumerate(questions):
        if done % 10 == 0:
            print(f"{done}/{len(questions)} questions", file=sys.stderr, flush=True)
        started = time.perf_counter()
        answer = assistant.ask(item["question"])
        latencies.append(time.perf_counter() - started)
        generated = answer.generator == spec and not answer.refused
        sentences = split_reply(answer.answer) if generated else []
        kept += len(sentences)
        dropped += len(answer.unsupported)
        bad = [s for s in sentences if not verified(checker, s, answer)]
        bad += [c.quote for c in answer.citations if not quoted(assistant, c)]
        violations += len(bad)
        for sentence in bad:
            print(f"VIOLATION {item['question']!r}: {sentence!r}", file=sys.stderr)
        rows.append(
            {
                "question": item["question"],
                "answerable": item["answerable"],
                "generator": answer.generator,
                "refused": answer.refused,
                "notice": answer.notice,
                "gold": bool(item["answerable"]) and holds(answer.answer, item["answer_contains"]),
                "answer": answer.answer,
                "unsupported": [u.sentence for u in answer.unsupported],
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    generated_rows = [r for r in rows if r["generator"] == spec]
    return {
        "llm": spec if not spec.startswith("openai:") else "openai: (llama_cpp.server, gemma)",
        "questions": len(rows),
        "generated sentences kept": f"{kept}/{kept + dropped}",
        "share kept": round(kept / (kept + dropped), 3) if kept + dropped else None,
        "answers written by the LLM": f"{len(generated_rows)}/{len(rows)}",
        "fell back to extractive": sum(1 for r in rows if r["notice"]),
        "gold-fact rate (answerable)": round(
            sum(r["gold"] for r in answerable) / len(answerable), 3
        ),
        "gold-fact rate, LLM-written answers": _rate(
            [r for r in answerable if r in generated_rows]
        ),
        "latency p50 s": round(statistics.median(latencies), 2),
        "latency p95 s": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 2),
        "verification violations": violations,
        "answers": rows,
    }


def _rate(rows: list[dict]) -> str:
    return f"{sum(r['gold'] for r in rows)}/{len(rows)}"


def verified(checker, sentence: str, answer) -> bool:
    quotes = {c.id: c for c in answer.citations}
    numbers = [int(n) for n in MARKER.findall(sentence)]
    if not numbers or any(n not in quotes for n in numbers):
        return False
    evidence = [
        EvidenceSentence(
            c.id,
            c.source,
            c.title,
            c.date,
            c.date_source,
            c.start,
            c.end,
            c.quote,
            c.language,
            c.score,
        )
        for c in (quotes[n] for n in numbers)
    ]
    return checker.check(MARKER.sub(" ", sentence).strip(), evidence).supported


def quoted(assistant: Assistant, citation) -> bool:
    return assistant.document_text(citation.source)[citation.start : citation.end] == citation.quote


def holds(text: str, groups: list[list[str]]) -> bool:
    lowered = text.lower()
    return bool(groups) and all(any(o.lower() in lowered for o in group) for group in groups)


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma_path())]
    command += ["--model_alias", "gemma", "--chat_format", "gemma", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", "4096"]
    command += ["--n_threads", str(max(1, (os.cpu_count() or 2) // 2))]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("llama_cpp.server did not start")


if __name__ == "__main__":
    main()
