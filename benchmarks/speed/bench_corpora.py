"""Write the benchmark corpora (documents/, XQuAD, synthetic sizes) into a work folder."""

from __future__ import annotations

import json
import random
import shutil
import unicodedata
from pathlib import Path

from index import chunk_document, split_sentences

REPO = Path(__file__).resolve().parents[2]
XQUAD = REPO.parent / "shared/benchmarks/xquad"
LANGUAGES = ("en", "hi")
CHUNK_CHARS = 700  # IndexConfig's default, which every benchmark build uses
SEED = 20240


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def paragraphs(language: str) -> list[dict]:
    return read_jsonl(XQUAD / language / "corpus.jsonl")


def documents_corpus(target: Path) -> Path:
    """A copy of documents/, so the re-index steps can change a file without touching the repo."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "documents", target)
    return target


def xquad_corpus(target: Path) -> Path:
    """Each English and Hindi XQuAD paragraph as one .txt file (English keeps its title line)."""
    shutil.rmtree(target, ignore_errors=True)
    for language in LANGUAGES:
        (target / language).mkdir(parents=True)
        for row in paragraphs(language):
            head = f"{row['title']}\n\n" if row.get("title") else ""
            (target / language / f"{row['_id']}.txt").write_text(
                head + row["text"] + "\n", encoding="utf-8"
            )
    return target


def synthetic_corpus(target: Path, chunks: int) -> tuple[Path, int]:
    """Documents of shuffled XQuAD sentences with new ids, adding files until `chunks` is reached.

    Chunks are counted with the index's own chunker, so the target is met to within one document;
    the same seed makes every smaller corpus a prefix of the larger ones.
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    rng = random.Random(SEED)
    pools = {language: _sentences(language) for language in LANGUAGES}
    titles = sorted({row["title"] for row in paragraphs("en") if row.get("title")})
    total = number = 0
    while total < chunks:
        language = LANGUAGES[number % 2]
        text = _document(rng, pools[language], titles if language == "en" else [], number)
        total += len(chunk_document("x", text, CHUNK_CHARS))
        folder = target / f"{number // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"syn_{number:06d}_{language}.txt").write_text(text, encoding="utf-8")
        number += 1
    return target, total


def _sentences(language: str) -> list[str]:
    texts = [unicodedata.normalize("NFC", row["text"]) for row in paragraphs(language)]
    return [text[a:b] for text in texts for a, b in split_sentences(text)]


def _document(rng: random.Random, pool: list[str], titles: list[str], number: int) -> str:
    """12-30 random sentences in paragraphs of 2-6, like a short news article (2-5 KB)."""
    sentences = rng.sample(pool, rng.randint(12, 30))
    parts = [f"{rng.choice(titles)}: report {number}"] if titles else []
    while sentences:
        size = rng.randint(2, 6)
        parts.append(" ".join(sentences[:size]))
        sentences = sentences[size:]
    return "\n\n".join(parts) + "\n"


def questions(corpus: str, limit: int) -> list[str]:
    """The repo's own questions for documents/, else a fixed sample of XQuAD en and hi alike."""
    if corpus == "documents":
        files = sorted((REPO / "benchmarks/questions").glob("documents-*.jsonl"))
        picked = [row["question"] for path in files for row in read_jsonl(path)]
    else:
        picked = [
            row["text"] for lang in LANGUAGES for row in read_jsonl(XQUAD / lang / "queries.jsonl")
        ]
    random.Random(SEED).shuffle(picked)
    return picked[:limit]


def pool() -> list[str]:
    """Every sentence the synthetic corpora draw from, for embedding once (stand-in vectors)."""
    return sorted({sentence for language in LANGUAGES for sentence in _sentences(language)})
