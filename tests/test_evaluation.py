"""`assistant eval`: metrics against hand-computed values, the three set formats, real runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from conftest import QUESTIONS

from assistant import Answer, AssistantConfig, Citation, Passage
from assistant.config import MODES
from assistant.evalreport import failed_questions
from assistant.evalsets import Question, read_evalset, select
from assistant.evaluation import (
    add_eval_command,
    answer_metrics,
    parse_retrievers,
    ranked_documents,
    retrieval_metrics,
)
from index import IndexConfig


def eval_args(*argv: str) -> argparse.Namespace:
    """Parse `eval ...` with the same parents cli.py gives every retrieving command."""
    parser = argparse.ArgumentParser(prog="assistant")
    storage = argparse.ArgumentParser(add_help=False)
    storage.add_argument("--storage")
    retrieval = argparse.ArgumentParser(add_help=False)
    retrieval.add_argument("--top-k", type=int)
    retrieval.add_argument("--mode", choices=MODES)
    add_eval_command(parser.add_subparsers(required=True), [storage, retrieval])
    return parser.parse_args(["eval", *argv])


def run(args: argparse.Namespace, storage: Path) -> int:
    config = AssistantConfig(index=IndexConfig(storage_dir=storage))
    return int(args.command(args, config.with_overrides(mode=args.mode, top_k=args.top_k)))


# --- metrics -------------------------------------------------------------------------------


def test_retrieval_metrics_match_values_worked_out_by_hand() -> None:
    relevant = {"q1": {"a": 1, "b": 1}, "q2": {"c": 1}, "q3": {"d": 1}}
    ranked = {"q1": ["x", "a", "b"], "q2": ["c"], "q3": ["y", "z"]}
    # q1: relevant at ranks 2 and 3. DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5 = 1.13093,
    #     ideal DCG = 1 + 0.63093 = 1.63093, nDCG = 0.69343; RR = 1/2; AP = (1/2 + 2/3) / 2
    #     = 0.58333; recall@1 = 0, recall@3 = 1; hit@1 = 0, hit@3 = 1.
    # q2: relevant at rank 1: nDCG 1, RR 1, AP 1, recall@1 = hit@1 = 1.
    # q3: nothing relevant retrieved: every metric 0.
    metrics = retrieval_metrics(relevant, ranked)
    expected = {
        "nDCG@10": (0.69343 + 1) / 3,
        "MRR@10": (0.5 + 1) / 3,
        "MAP": (0.58333 + 1) / 3,
        "R@1": 1 / 3,
        "R@3": 2 / 3,
        "R@100": 2 / 3,
        "Hit@1": 1 / 3,
        "Hit@3": 2 / 3,
        "Hit@10": 2 / 3,
    }
    for name, value in expected.items():
        assert metrics[name] == pytest.approx(value, abs=1e-4), name


def test_a_question_nothing_was_retrieved_for_counts_as_zero() -> None:
    metrics = retrieval_metrics({"q1": {"a": 1}, "q2": {"b": 1}}, {"q1": ["a"], "q2": []})
    assert metrics["R@10"] == 0.5 and metrics["nDCG@10"] == 0.5


def test_documents_rank_by_their_best_chunk() -> None:
    sources = ["b.txt", "a.txt", "b.txt", "c.txt", "a.txt"]
    passages = [Passage(s, "", "", 0, "text", 1.0) for s in sources]
    assert ranked_documents(passages) == ["b.txt", "a.txt", "c.txt"]


def test_gold_answers_match_every_group_ignoring_case_and_markers() -> None:
    question = Question("1", "?", {}, (("seven", "7"), ("April 19",)))
    assert question.answered_by("Polling in SEVEN phases [1] begins on april 19 [2].")
    assert not question.answered_by("Polling begins on April 19 [7].")  # the marker is no "7"
    assert question.quoted_in("It has 7 phases.") and not question.quoted_in("It has phases.")
    # A Hindi letter written precomposed in the gold and as letter + nukta in the text matches.
    assert Question("2", "?", {}, (("क़ानून",),)).answered_by("नया क\u093cानून")


def test_answer_metrics_match_values_worked_out_by_hand() -> None:
    def answer(text: str, *quotes: str) -> Answer:
        cited = tuple(
            Citation(i, "a.txt", "", "", "file", "en", q, 0, len(q), 1.0)
            for i, q in enumerate(quotes)
        )
        return Answer("?", text or "Not found in the documents.", not text, cited)

    questions = [
        Question("1", "?", {"a.txt": 1}, (("Etna",),)),
        Question("2", "?", {"a.txt": 1}, (("honey",),)),
        Question("3", "?", {"a.txt": 1}, (("Carlsen",),)),
        Question("4", "?", {}, (), answerable=False),
        Question("5", "?", {}, (), answerable=False),
    ]
    asked = {
        "1": (answer("Etna erupts. [1] Sicily. [2]", "Etna erupts.", "Sicily."), 10.0),
        "2": (answer("Bees fly. [1]", "Bees fly."), 20.0),
        "3": (answer(""), 30.0),
        "4": (answer(""), 40.0),
        "5": (answer("Something. [1]", "Something."), 50.0),
    }
    metrics = answer_metrics(questions, asked)
    assert metrics["answer_recall"] == pytest.approx(1 / 3, abs=1e-4)  # only question 1
    assert metrics["citation_precision"] == pytest.approx(
        1 / 3, abs=1e-4
    )  # 1 of 3 quotes in 1 and 2
    assert metrics["unanswerable_refused"] == 0.5
    assert metrics["answerable_answered"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["latency_p50_ms"] == 30.0 and metrics["latency_p95_ms"] == 48.0


def test_failed_questions_say_what_was_expected_and_what_ranked_first() -> None:
    questions = [
        Question("found", "?", {"a.txt": 1}, (("Etna",),)),
        Question("missed", "?", {"c.txt": 1}, (("honey",),)),
        Question("trap", "?", {}, (), answerable=False),
    ]
    rankings = {"bm25": {"found": ["b.txt", "a.txt"], "missed": ["d.txt", "e.txt"]}}
    answers = {
        "found": Answer("?", "Etna erupts. [1]", False, ()),
        "missed": Answer("?", "Not found in the documents.", True, ()),
        "trap": Answer("?", "Something. [1]", False, ()),
    }
    failed = {f["id"]: f for f in failed_questions(questions, rankings, answers)}
    assert failed.keys() == {"missed", "trap"}
    assert failed["missed"]["problems"] == [
        "bm25: no relevant document in the top 10",
        "refused an answerable question",
    ]
    assert failed["missed"]["expected"] == ["c.txt"]
    assert failed["missed"]["ranked_first"] == {"bm25": "d.txt"}
    assert failed["missed"]["expected_answer"] == [["honey"]]
    assert failed["trap"]["problems"] == ["answered an unanswerable question"]
    assert failed["missed"]["cited"] == [] and failed["trap"]["cited"] == []


def test_retrievers_are_checked() -> None:
    assert parse_retrievers(None, "hybrid") == ["hybrid"]
    assert parse_retrievers("bm25, dense,bm25", "hybrid") == ["bm25", "dense"]
    with pytest.raises(ValueError, match="bm25"):
        parse_retrievers("bm25,splade", "hybrid")


# --- formats -------------------------------------------------------------------------------


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_beir(folder: Path, corpus: list[dict], queries: list[dict], qrels: list[str]) -> Path:
    write_jsonl(folder / "corpus.jsonl", corpus)
    write_jsonl(folder / "queries.jsonl", queries)
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(qrels))
    return folder


def test_reads_a_beir_folder(tmp_path: Path) -> None:
    folder = write_beir(
        tmp_path / "set",
        [{"_id": "d/1", "title": "Etna", "text": "A volcano."}, {"_id": ".d2", "text": "Bees."}],
        [
            {"_id": "q1", "text": "Which volcano?", "metadata": {"answers": ["Etna", "Mt Etna"]}},
            {"_id": "q2", "text": "Not judged"},
            {"_id": "q3", "text": "Bees?"},
        ],
        ["q1\td/1\t2", "q1\t.d2\t0", "q3\t.d2\t1"],
    )
    evalset = read_evalset(folder)
    assert evalset.format == "beir"
    # Ids become safe file names (no slash, no leading dot) and relevance follows them.
    assert evalset.corpus == {"d_1.txt": "Etna\n\nA volcano.", "d2.txt": "Bees."}
    q1, q3 = evalset.questions
    assert (q1.id, q1.relevant, q1.answers) == ("q1", {"d_1.txt": 2}, (("Etna", "Mt Etna"),))
    assert (q3.id, q3.relevant, q3.answers) == ("q3", {"d2.txt": 1}, ())


def test_reads_a_llama_index_qa_dataset(tmp_path: Path) -> None:
    path = tmp_path / "qa.json"
    data = {
        "queries": {"q1": "Which volcano?", "q2": "Unjudged?"},
        "corpus": {"node-1": "Etna is a volcano.", "node-2": "Bees make honey."},
        "relevant_docs": {"q1": ["node-1"]},
        "mode": "text",
    }
    path.write_text(json.dumps(data))
    evalset = read_evalset(path)
    assert evalset.format == "llama-index"
    assert evalset.corpus == {"node-1.txt": "Etna is a volcano.", "node-2.txt": "Bees make honey."}
    assert [(q.id, q.text, q.relevant) for q in evalset.questions] == [
        ("q1", "Which volcano?", {"node-1.txt": 1})
    ]


def test_reads_the_project_question_format(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "questions.jsonl",
        [
            {"question": "Q1?", "relevant": ["a.txt"], "answer_contains": [["x", "y"], ["z"]]},
            {"question": "Q2?", "answerable": False, "relevant": [], "answer_contains": []},
        ],
    )
    evalset = read_evalset(path)
    assert evalset.format == "questions" and evalset.corpus is None
    first, second = evalset.questions
    assert (first.relevant, first.answers, first.answerable) == (
        {"a.txt": 1},
        (("x", "y"), ("z",)),
        True,
    )
    assert (second.relevant, second.answerable) == ({}, False)
    assert len(read_evalset(QUESTIONS / "documents-gold.jsonl").questions) == 48


def test_split_halves_by_order_then_limits() -> None:
    questions = tuple(Question(str(i), "?", {}) for i in range(5))
    assert [q.id for q in select(questions, "first", None)] == ["0", "1"]
    assert [q.id for q in select(questions, "second", None)] == ["2", "3", "4"]
    assert [q.id for q in select(questions, "second", 2)] == ["2", "3"]
    assert len(select(questions, "all", None)) == 5
    with pytest.raises(ValueError, match="positive"):
        select(questions, "all", 0)


def test_bad_input_gets_a_one_line_message(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist: expected a BEIR folder") as missing:
        read_evalset(tmp_path / "nowhere")
    assert "\n" not in str(missing.value) and "EmbeddingQAFinetuneDataset" in str(missing.value)
    (tmp_path / "notes.csv").write_text("a,b\n")
    with pytest.raises(ValueError, match="none of the known formats"):
        read_evalset(tmp_path / "notes.csv")
    (tmp_path / "other.json").write_text('{"queries": {}}')
    with pytest.raises(ValueError, match="none of the known formats"):
        read_evalset(tmp_path / "other.json")
    with pytest.raises(ValueError, match="not a BEIR folder"):
        read_evalset(tmp_path)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"question": "Q1?", "relevant": []}\n\n{"question": "Q2?", oops}\n')
    with pytest.raises(ValueError, match=r"broken.jsonl, line 3: not valid JSON"):
        read_evalset(broken)
    broken.write_text('{"question": "Q1?", "relevant": "a.txt"}\n')
    with pytest.raises(ValueError, match=r"line 1: 'relevant' must be a list"):
        read_evalset(broken)
    folder = write_beir(tmp_path / "beir", [], [{"_id": "q1", "text": "Q?"}], ["q1\td1"])
    with pytest.raises(ValueError, match=r"test.tsv, line 2: expected query-id"):
        read_evalset(folder)


# --- real runs -----------------------------------------------------------------------------

CORPUS = [
    ("etna", "Etna", "Mount Etna is an active volcano on the island of Sicily, known for lava."),
    ("bees", "Honeybees", "Honeybees collect nectar from flowers and turn it into honey."),
    ("chess", "Chess", "Magnus Carlsen became the world chess champion in 2013 in Chennai."),
    ("tea", "Tea", "Darjeeling tea is grown on the slopes of the Himalayas in West Bengal."),
    ("pharos", "Pharos", "The Pharos of Alexandria was a lighthouse, one of the seven wonders."),
]
QUERIES = [
    ("q-etna", "Which volcano is on the island of Sicily?", "Etna"),
    ("q-bees", "What do honeybees make from nectar?", "honey"),
    ("q-chess", "Who became world chess champion in 2013?", "Carlsen"),
    ("q-tea", "Where is Darjeeling tea grown?", "Himalayas"),
    ("q-pharos", "Which lighthouse was one of the seven wonders?", "Pharos"),
]


def test_beir_set_end_to_end_compares_three_retrievers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_beir(
        tmp_path / "tiny",
        [{"_id": i, "title": t, "text": x} for i, t, x in CORPUS],
        [{"_id": q, "text": t, "metadata": {"answers": [a]}} for q, t, a in QUERIES],
        [f"{q}\t{q[2:]}\t1" for q, _, _ in QUERIES],
    )
    out = tmp_path / "out"
    args = eval_args(str(folder), "--retrievers", "bm25,dense,hybrid", "--out", str(out))
    assert run(args, tmp_path / "unused") == 0
    assert "| bm25 |" in capsys.readouterr().out
    assert all(
        (out / name).stat().st_size > 0 for name in ("report.json", "report.md", "recall.png")
    )
    assert (out / "recall.png").read_bytes().startswith(b"\x89PNG")
    report = json.loads((out / "report.json").read_text())
    assert set(report["retrievers"]) == {"bm25", "dense", "hybrid"}
    for metrics in report["retrievers"].values():
        assert metrics.keys() >= {"nDCG@10", "MRR@10", "MAP", "R@1", "R@100", "Hit@10"}
        assert all(0 <= value <= 1 for value in metrics.values())
    assert report["retrievers"]["bm25"]["Hit@1"] == 1.0  # each query names its document
    assert 0 <= report["answers"]["answer_recall"] <= 1 and report["answers"]["latency_p50_ms"] > 0
    # A second run finds the corpus indexed already and leaves the index as it was.
    (home,) = out.glob("corpus-*")
    generation = (home / "db" / "CURRENT").read_text()
    args = eval_args(str(folder), "--out", str(out), "--json", "--limit", "2")
    assert run(args, tmp_path / "unused") == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed["retrievers"]) == ["hybrid"] and printed["questions"] == 2
    assert (home / "db" / "CURRENT").read_text() == generation


def test_llama_index_dataset_end_to_end_prints_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "qa.json"
    dataset = {
        "queries": {q: text for q, text, _ in QUERIES},
        "corpus": {f"node-{d}": f"{t}. {x}" for d, t, x in CORPUS},
        "relevant_docs": {q: [f"node-{q[2:]}"] for q, _, _ in QUERIES},
        "mode": "text",
    }
    path.write_text(json.dumps(dataset), encoding="utf-8")
    out = tmp_path / "out"
    args = eval_args(str(path), "--retrievers", "bm25,hybrid", "--out", str(out), "--json")
    assert run(args, tmp_path / "unused") == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["format"], printed["questions"], printed["judged"]) == ("llama-index", 5, 5)
    assert list(printed["retrievers"]) == ["bm25", "hybrid"]
    assert printed["retrievers"]["bm25"]["Hit@1"] == 1.0  # each query names its document
    assert printed["answers"] == {}  # the format carries no gold answers
    assert printed == json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_project_questions_over_the_documents_index(tmp_path: Path, storage_dir: Path) -> None:
    gold = str(QUESTIONS / "documents-gold.jsonl")
    # The second half holds answerable questions (12) and all the unanswerable ones (12).
    assert run(eval_args(gold, "--split", "second", "--out", str(tmp_path)), storage_dir) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert (report["questions"], report["judged"], report["split"]) == (24, 12, "second")
    assert report["retrievers"]["hybrid"]["Hit@10"] >= 0.9  # measured 1.0 over the whole set
    answers = report["answers"]
    for key in (
        "answer_recall",
        "citation_precision",
        "unanswerable_refused",
        "answerable_answered",
    ):
        assert 0 <= answers[key] <= 1, key
    assert answers["latency_p95_ms"] >= answers["latency_p50_ms"] > 0
    for failure in report["failures"]:
        assert failure["problems"] and "expected" in failure and "answer" in failure
    assert "## Failed questions" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize(
    "path", sorted(QUESTIONS.glob("documents-*.jsonl")), ids=lambda path: path.name
)
def test_every_gold_answer_is_written_in_a_relevant_document(path: Path) -> None:
    """A typo in a gold string would make a question impossible to answer and skew every figure."""
    documents = QUESTIONS.parent.parent / "documents"
    for question in read_evalset(path).questions:
        texts = [(documents / source).read_text("utf-8").lower() for source in question.relevant]
        assert question.answerable == bool(texts) == bool(question.answers), question.text
        for group in question.answers:
            assert any(option.lower() in text for option in group for text in texts), question.text


def test_every_claim_quotes_its_evidence_from_the_article() -> None:
    """Claims are judged against the sentence they distort or paraphrase: it must be real."""
    documents = QUESTIONS.parent.parent / "documents"
    claims = [
        json.loads(line)
        for path in sorted(QUESTIONS.glob("claims*.jsonl"))
        for line in path.read_text("utf-8").split("\n")
        if line
    ]
    assert len(claims) >= 150
    kinds = {"supported", "number", "name", "role", "negation", "invented"}
    for claim in claims:
        assert claim["kind"] in kinds and claim["supported"] == (claim["kind"] == "supported")
        assert claim["split"] in {"fit", "validation", "held-out"}
        texts = [(documents / source).read_text("utf-8") for source in claim["relevant"]]
        assert any(claim["evidence"] in text for text in texts), claim["claim"]


def test_the_evaluation_tab_refuses_unsafe_archives(tmp_path: Path) -> None:
    import zipfile

    from ui.evaluation_tab import _set_path, shipped_sets

    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("../escape/queries.jsonl", "{}")
    with pytest.raises(ValueError, match="unsafe name"):
        _set_path(None, str(archive), tmp_path / "work")
    assert not (tmp_path / "escape").exists()
    assert shipped_sets()[0] == "documents-gold.jsonl"
    with pytest.raises(ValueError, match="Choose a shipped set"):
        _set_path("../../etc/passwd", None, tmp_path)
