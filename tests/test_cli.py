"""The `assistant` console script, run as a user runs it: index, ask, ask --json, chat, errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import open_index

ASSISTANT = Path(sys.executable).parent / "assistant"
DOCUMENTS = Path(__file__).resolve().parent.parent / "documents"
QUESTION = "Which senior leader did the BSP expel?"
CONTRACT = ["question", "answer", "refused", "generator", "citations", "unsupported"]
CITATION = [
    "id",
    "source",
    "title",
    "date",
    "date_source",
    "language",
    "quote",
    "start",
    "end",
    "score",
]


def run(
    *args: str | Path, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script offline, without any ASSISTANT_* from the caller."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    environ.update(HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run(
        [str(ASSISTANT), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=600,
    )


def test_the_console_script_is_installed() -> None:
    assert ASSISTANT.is_file(), f"{ASSISTANT} is missing: pip install -e ."


def test_index_prints_documents_chunks_and_seconds(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "a.txt").write_text("Monsoon notes\n\nThe monsoon reached Kerala on June 1.")
    (documents / "b.md").write_text("# Budget\n\nThe council approved 12 million rupees.")
    (documents / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    storage = tmp_path / "storage"

    result = run("index", documents, "--storage", storage, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    match = re.search(r"Indexed 2 documents, (\d+) chunks in \d+\.\d s", result.stdout)
    assert match, result.stdout
    assert int(match.group(1)) == len(open_index(storage).chunks)
    assert "skipped photo.jpg: has an unsupported type .jpg" in result.stderr
    assert "1 skipped" in result.stdout


def test_ask_prints_the_answer_and_its_sources(storage_dir: Path, tmp_path: Path) -> None:
    result = run("ask", QUESTION, "--storage", storage_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("Sources:")
    assert "Imran Masood" in answer and "[1]" in answer
    assert "[1]" in sources and "000_b5ed93c4b23e3d48.txt" in sources


def test_ask_json_prints_one_contract_object(storage_dir: Path, tmp_path: Path) -> None:
    result = run("ask", "--json", QUESTION, "--storage", storage_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert list(answer) == CONTRACT
    assert answer["question"] == QUESTION
    assert answer["refused"] is False
    assert answer["citations"]
    for citation in answer["citations"]:
        assert list(citation) == CITATION
        assert f"[{citation['id']}]" in answer["answer"]


def test_ask_json_answers_questions_from_stdin_in_order(storage_dir: Path, tmp_path: Path) -> None:
    questions = [
        QUESTION,
        "Who won the 2022 FIFA World Cup final?",
        "मायावती ने पदाधिकारियों को किस चुनाव के लिए निर्देश दिए?",
    ]
    result = run(
        "ask", "--json", "--storage", storage_dir, cwd=tmp_path, stdin="\n".join(questions) + "\n"
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert all(list(a) == CONTRACT for a in answers)
    assert [a["refused"] for a in answers] == [False, True, False]
    assert answers[2]["citations"][0]["source"] == "002_ae3089e6771e0f62.txt"


def broken_index(storage_dir: Path, tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(storage_dir, tmp_path / "broken"))
    generation = copy / (copy / "CURRENT").read_text().strip()
    (generation / "manifest.json").write_text("{not json")
    return copy


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing-documents", "does not exist: create it"),
        ("empty-question", "question is empty"),
        ("missing-index", "No index in"),
        ("corrupt-index", "is damaged"),
    ],
)
def test_errors_are_one_line_on_stderr_and_exit_1(
    storage_dir: Path, tmp_path: Path, case: str, message: str
) -> None:
    args: dict[str, list[str | Path]] = {
        "missing-documents": ["index", tmp_path / "nowhere", "--storage", tmp_path / "s"],
        "empty-question": ["ask", "", "--storage", storage_dir],
        "missing-index": ["ask", QUESTION, "--storage", tmp_path / "nothing"],
        "corrupt-index": ["ask", QUESTION, "--storage", broken_index(storage_dir, tmp_path)],
    }
    result = run(*args[case], cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert message in lines[0]
    assert result.stdout == ""


def test_storage_dir_comes_from_the_environment(storage_dir: Path, tmp_path: Path) -> None:
    # tmp_path has no storage/ folder, so only ASSISTANT_STORAGE_DIR can lead to the index.
    result = run(
        "ask", "--json", QUESTION, cwd=tmp_path, env={"ASSISTANT_STORAGE_DIR": str(storage_dir)}
    )
    assert result.returncode == 0, result.stderr
    assert "Imran Masood" in json.loads(result.stdout)["answer"]


def test_chat_answers_a_question_piped_on_stdin(storage_dir: Path, tmp_path: Path) -> None:
    result = run("chat", "--storage", storage_dir, cwd=tmp_path, stdin=QUESTION + "\n\n")
    assert result.returncode == 0, result.stderr
    assert "Imran Masood" in result.stdout
    assert "Sources:" in result.stdout


def test_chat_goes_on_after_an_empty_line_and_ends_on_exit(
    storage_dir: Path, tmp_path: Path
) -> None:
    stdin = f"\n{QUESTION}\n\nexit\nHow many seats will the SP contest in Uttar Pradesh?\n"
    result = run("chat", "--storage", storage_dir, cwd=tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert "Imran Masood" in result.stdout
    assert "63 seats" not in result.stdout  # asked after "exit"


def test_ask_json_answers_every_line_with_one_line(storage_dir: Path, tmp_path: Path) -> None:
    first = "What did Mayawati announce about the upcoming byelections in 2018?"
    follow_up = "What did she say about the Samajwadi Party?"
    lines = [
        QUESTION,
        "",
        "{not json",
        json.dumps({"question": follow_up, "history": [first]}),
        json.dumps({"question": follow_up, "history": "not a list"}),
        follow_up,
    ]
    result = run(
        "ask", "--json", "--storage", storage_dir, cwd=tmp_path, stdin="\n".join(lines) + "\n"
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == len(lines)
    assert "Imran Masood" in replies[0]["answer"]
    assert [list(reply) for reply in replies[1:3]] == [["error"], ["error"]]
    assert list(replies[4]) == ["error"]
    followed, alone = replies[3], replies[5]
    assert followed["question"] == alone["question"] == follow_up
    followed_sources = {c["source"] for c in followed["citations"]}
    # Her 2018 article, and possibly the Hindi one, which the multilingual model reads: both
    # are about Mayawati and the SP.
    assert "001_12eda452278b32ab.txt" in followed_sources
    assert followed_sources <= {"001_12eda452278b32ab.txt", "002_ae3089e6771e0f62.txt"}
    assert {c["source"] for c in alone["citations"]} != followed_sources


def test_json_titles_are_whole_and_dates_say_where_they_came_from(
    storage_dir: Path, tmp_path: Path
) -> None:
    result = run("ask", "--json", QUESTION, "--storage", storage_dir, cwd=tmp_path)
    citations = json.loads(result.stdout)["citations"]
    for citation in citations:
        first_line = (DOCUMENTS / citation["source"]).read_text(encoding="utf-8").splitlines()[0]
        assert citation["title"] in first_line and not citation["title"].endswith("…")
        assert citation["date_source"] in ("text", "file")
    long_title = run(
        "ask",
        "--json",
        "Why did Mayawati rule out an alliance with the NDA and INDIA?",
        "--storage",
        storage_dir,
        cwd=tmp_path,
    )
    titles = {c["title"] for c in json.loads(long_title.stdout)["citations"]}
    assert any(len(title) > 120 for title in titles), titles  # once cut at 120 with "…"
    readable = run("ask", QUESTION, "--storage", storage_dir, cwd=tmp_path).stdout
    assert "from the text)" in readable or "file modified)" in readable


def test_piping_into_head_ends_quietly(storage_dir: Path, tmp_path: Path) -> None:
    command = (
        f"yes '{QUESTION}' | head -50 | '{ASSISTANT}' ask --json --storage '{storage_dir}' "
        "| head -1"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    result = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**environ, "HF_HUB_OFFLINE": "1"},
        timeout=600,
    )
    assert len(result.stdout.splitlines()) == 1 and "Imran Masood" in result.stdout
    assert "Broken pipe" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr == ""


def test_text_answers_show_the_llm_notice_and_what_was_left_out() -> None:
    from assistant.answers import Answer, Unsupported
    from ui.answer_commands import format_answer

    answer = Answer(
        "Who?",
        "Not found in the documents.",
        True,
        (),
        generator="extractive",
        unsupported=(Unsupported("The BSP won 80 seats. [1]", "80 is not in [1]"),),
        notice="the LLM server timed out; extractive answer shown",
    )
    text = format_answer(answer).splitlines()
    assert text[0] == "Note: the LLM server timed out; extractive answer shown"
    assert "- The BSP won 80 seats. [1] (80 is not in [1])" in text
