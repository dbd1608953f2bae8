"""`assistant check`: claims in English and Hindi against documents in either language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant import Assistant
from assistant.generation.claims import check_claim

REPO = Path(__file__).resolve().parent.parent


def check(storage: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "check", "--storage", str(storage), *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=300,
        env={**environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip


def test_check_prints_the_verdict_and_the_closest_quote(storage_dir: Path) -> None:
    result = check(storage_dir, "The SP won 35 parliamentary seats in Uttar Pradesh in 2009.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Not supported: a number or date is not in the evidence: 35")
    assert "The SP won 23 parliamentary seats in 2009" in result.stdout


def test_check_json_gives_one_object_per_claim_line(
    storage_dir: Path, assistant: Assistant
) -> None:
    claims = [
        "Mayawati ruled out an alliance with the NDA and the INDIA bloc on August 30.",
        "मायावती ने 30 जून को राष्ट्रीय और प्रदेश कमेटी के साथ अहम बैठक की।",
        "Mayawati ruled out an alliance with the NDA and the INDIA bloc on August 25.",
        "\u200b",
    ]
    result = check(storage_dir, "--json", stdin="\n".join(claims) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["claim"] for line in lines] == claims
    assert [line.get("supported") for line in lines] == [True, True, False, None]
    assert "error" in lines[3]
    for line in lines[:3]:
        assert list(line) == ["claim", "supported", "reason", "citations"]
        assert line["citations"]
        for citation in line["citations"]:
            text = assistant.document_text(citation["source"])
            assert text[citation["start"] : citation["end"]] == citation["quote"]
    assert "30" in lines[2]["citations"][0]["quote"]  # the closest quote shows the real date


def test_a_bad_llm_spec_is_one_line_and_exit_code_1(storage_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", "--storage", str(storage_dir), "--llm", "gpt", "Q"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: Unknown LLM 'gpt': use none, openai:MODEL@BASE_URL, ollama:MODEL[@URL], "
        "gguf:PATH or gguf:gemma-3-270m"
    ]


def test_an_english_claim_about_the_hindi_article_is_checked_against_hindi_quotes(
    assistant: Assistant,
) -> None:
    said = "On June 30, Mayawati held an important meeting with the national and state committees."
    result = check_claim(assistant.index, said, assistant.config)
    assert result.supported, result
    assert [citation.language for citation in result.citations] == ["hi"]
    quote = result.citations[0]
    assert assistant.document_text(quote.source)[quote.start : quote.end] == quote.quote
    moved = check_claim(assistant.index, said.replace("30", "20"), assistant.config)
    assert not moved.supported and "20" in moved.reason
