"""Read a test set (BEIR folder, llama-index QA dataset JSON or our own JSONL) into questions."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPECTED = (
    "expected a BEIR folder (queries.jsonl, qrels/test.tsv, optional corpus.jsonl), a llama-index "
    'EmbeddingQAFinetuneDataset .json file, or a .jsonl file of {"question", "relevant"} lines'
)
SPLITS = ("all", "first", "second")


@dataclass(frozen=True)
class Question:
    """One test question; `relevant` maps document sources to graded relevance, as BEIR qrels."""

    id: str
    text: str
    relevant: dict[str, int]
    # The answer must contain one string of every group (case-insensitive); empty: not checked.
    answers: tuple[tuple[str, ...], ...] = ()
    answerable: bool = True

    def answered_by(self, text: str) -> bool:
        """Whether `text` holds one string of every gold group; [n] citation markers never count."""
        return all(_contains(re.sub(r"\[\d+\]", "", text), group) for group in self.answers)

    def quoted_in(self, quote: str) -> bool:
        """Whether a cited quote holds any gold string at all."""
        return _contains(quote, tuple(s for group in self.answers for s in group))


@dataclass(frozen=True)
class EvalSet:
    """The questions, and the corpus to index (file name -> text) unless the set uses ours."""

    path: Path
    format: str
    questions: tuple[Question, ...]
    corpus: dict[str, str] | None = None


def read_evalset(path: Path) -> EvalSet:
    """Recognize the format by layout and suffix, and read it; errors name file and line."""
    if not path.exists():
        raise ValueError(f"Test set {path} does not exist: {EXPECTED}")
    if path.is_dir():
        if not (path / "queries.jsonl").is_file() or not (path / "qrels" / "test.tsv").is_file():
            raise ValueError(f"{path} is not a BEIR folder: {EXPECTED}")
        return _read_beir(path)
    unknown = ValueError(f"{path} is in none of the known formats: {EXPECTED}")
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise unknown from None
        if not isinstance(data, dict) or not {"queries", "corpus", "relevant_docs"} <= data.keys():
            raise unknown
        return _read_llama(path, data)
    if path.suffix != ".jsonl" or "question" not in next(_json_lines(path), (0, {}))[1]:
        raise unknown
    return EvalSet(path, "questions", tuple(_read_questions(path)))


def select(questions: tuple[Question, ...], split: str, limit: int | None) -> list[Question]:
    """Tuning uses the first half of a set and reporting the second: split by order, then limit."""
    if split not in SPLITS or (limit is not None and limit < 1):
        raise ValueError(f"Use --split {'|'.join(SPLITS)} and a positive --limit")
    middle = len(questions) // 2
    chosen = {"all": questions, "first": questions[:middle], "second": questions[middle:]}[split]
    if not chosen:
        raise ValueError(f"No questions to evaluate in the {split} part of the set")
    return list(chosen[:limit])


def _read_beir(folder: Path) -> EvalSet:
    corpus: dict[str, str] | None = None
    names: dict[str, str] = {}  # corpus-id -> file name; without a corpus the ids are sources
    if (folder / "corpus.jsonl").is_file():
        corpus = {}
        for line, row in _json_lines(folder / "corpus.jsonl"):
            title, body = str(row.get("title") or "").strip(), str(row.get("text") or "")
            doc_id = _field(row, "_id", folder / "corpus.jsonl", line)
            _add_document(corpus, names, doc_id, f"{title}\n\n{body}" if title else body)
    qrels: dict[str, dict[str, int]] = {}
    tsv = folder / "qrels" / "test.tsv"
    for number, text in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
        fields = text.split("\t")
        if not text.strip() or (number == 1 and fields[0] == "query-id"):
            continue
        if len(fields) != 3 or not fields[2].strip().lstrip("-").isdigit():
            raise ValueError(f"{tsv}, line {number}: expected query-id<TAB>corpus-id<TAB>score")
        if int(fields[2]) > 0:  # BEIR counts only positive scores as relevant
            qrels.setdefault(fields[0], {})[names.get(fields[1], fields[1])] = int(fields[2])
    questions = []
    for line, row in _json_lines(folder / "queries.jsonl"):
        query_id = _field(row, "_id", folder / "queries.jsonl", line)
        if query_id in qrels:  # as in BEIR, the qrels choose which queries are evaluated
            text = _field(row, "text", folder / "queries.jsonl", line)
            gold = tuple(map(str, (row.get("metadata") or {}).get("answers") or ()))
            questions.append(Question(query_id, text, qrels[query_id], (gold,) if gold else ()))
    return EvalSet(folder, "beir", tuple(questions), corpus)


def _read_llama(path: Path, data: dict[str, Any]) -> EvalSet:
    queries, documents, relevant = (data[k] for k in ("queries", "corpus", "relevant_docs"))
    if not all(isinstance(part, dict) for part in (queries, documents, relevant)):
        raise ValueError(f"{path}: queries, corpus and relevant_docs must be JSON objects")
    corpus: dict[str, str] = {}
    names: dict[str, str] = {}
    for doc_id, text in documents.items():
        _add_document(corpus, names, doc_id, str(text))
    questions = []
    for qid, text in queries.items():
        docs = relevant.get(qid) or []
        if not isinstance(docs, list):
            raise ValueError(f"{path}: relevant_docs[{qid!r}] must be a list of corpus ids")
        if docs:  # as in BEIR, a query without relevant documents is not evaluated
            questions.append(Question(qid, str(text), {names.get(str(d), str(d)): 1 for d in docs}))
    return EvalSet(path, "llama-index", tuple(questions), corpus)


def _read_questions(path: Path) -> Iterator[Question]:
    for line, row in _json_lines(path):
        text = _field(row, "question", path, line)
        relevant, groups = row.get("relevant", []), row.get("answer_contains", [])
        if not isinstance(relevant, list) or not all(isinstance(s, str) for s in relevant):
            raise ValueError(f"{path}, line {line}: 'relevant' must be a list of document paths")
        if not isinstance(groups, list) or not all(isinstance(g, str | list) for g in groups):
            raise ValueError(f"{path}, line {line}: 'answer_contains' must be a list of lists")
        answers = tuple((g,) if isinstance(g, str) else tuple(map(str, g)) for g in groups)
        answerable = bool(row.get("answerable", True))
        yield Question(
            str(row.get("id", line)), text, dict.fromkeys(relevant, 1), answers, answerable
        )


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}, line {number}: not valid JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}, line {number}: expected a JSON object")
        yield number, row


def _field(row: dict[str, Any], key: str, path: Path, line: int) -> str:
    value = row.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise ValueError(f"{path}, line {line}: missing or empty {key!r}")
    return str(value)


def _add_document(corpus: dict[str, str], names: dict[str, str], doc_id: str, text: str) -> None:
    """Store the text under a safe, unique .txt name (the loader skips dot files)."""
    stem = re.sub(r"[^\w.-]", "_", doc_id)[:150].lstrip(".") or "doc"
    name, number = f"{stem}.txt", 1
    while name in corpus:
        number += 1
        name = f"{stem}-{number}.txt"
    names[doc_id], corpus[name] = name, text


def _contains(text: str, options: tuple[str, ...]) -> bool:
    # Case and Unicode composition vary between gold and documents, Hindi ones especially.
    folded = unicodedata.normalize("NFC", text).casefold()
    return any(unicodedata.normalize("NFC", s).casefold() in folded for s in options)
