"""Fit the verifier's thresholds on the claims set's fit split and report the held-out split.

    .venv/bin/python benchmarks/quality/claims_report.py [--storage DIR] [--out FILE]
    .venv/bin/python benchmarks/quality/claims_report.py --fit-failures   # develop on these

Claims are read from every `benchmarks/questions/claims*.jsonl`, each line with its split: "fit",
"validation" (held-out sets of earlier rounds, reported there and so no longer unseen) or
"held-out" (written blind this round, never read while the verifier changed). Thresholds are fit
on "fit" alone; validation tells whether a change holds beyond the claims it was made on.
`--fit-failures` prints the fit and validation figures and every fit and validation claim the
fitted checker gets wrong (each candidate evidence set's measures and reason), and neither
computes nor prints anything held-out: change the verifier against those, then run the full
report once.

Each claim is checked as `assistant check` checks it: candidate evidence sets from retrieval,
supported when one set passes every check. Hard checks (numbers, dates, names, negation) have no
threshold; the coverage and similarity thresholds (MiniLM's cosine for English, e5's for Hindi and
cross-script pairs, and the e5 cosine that stands in for coverage across scripts) are chosen on
`split == "fit"` alone: the grid point that clears the issue's bars (85% of supported claims
accepted, 95% of number/date and 90% of name claims rejected) by the widest margin, the smallest of
the three margins counting, then the next smallest (leximin); among points tied on all three, the
strictest. Held-out is only reported: at the fitted thresholds, and at the shipped ones
(assistant/config.py), which may have been fitted on another machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.config import VerifierConfig, assistant_config_from_env
from assistant.generation.claims import judged_sets
from index import build_index, open_index

REPO = Path(__file__).resolve().parents[2]
# Every claims file: claims.jsonl and the later, independently written ones (claims-fit-2.jsonl,
# a held-out companion), each line with its own split.
CLAIM_FILES = "benchmarks/questions/claims*.jsonl"
KINDS = ("supported", "number", "name", "role", "negation", "invented")
BARS = {"supported": 0.85, "number": 0.95, "name": 0.90}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--storage", default="benchmarks/out/claims-storage")
    parser.add_argument("--out", default="benchmarks/out/claims-report.json")
    parser.add_argument("--fit-failures", action="store_true", help="fit split only, per claim")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    config = assistant_config_from_env().with_overrides(storage_dir=args.storage)
    build_index(config.index.with_overrides(documents_dir=REPO / "documents"))
    index = open_index(config.storage_dir)
    claims = read_claims(fit_only=args.fit_failures)
    # Measures per candidate set, with thresholds at zero; a threshold then decides each claim.
    open_config = replace(config, verifier=VerifierConfig(0.0, 0.0, -1.0, -1.0, 2.0))
    measured = [[v for _, v in judged_sets(index, c["claim"], open_config)] for c in claims]
    fit = [i for i, c in enumerate(claims) if c["split"] == "fit"]
    validation = [i for i, c in enumerate(claims) if c["split"] == "validation"]
    held = [i for i, c in enumerate(claims) if c["split"] == "held-out"]
    best = fit_thresholds(claims, measured, fit)
    if args.fit_failures:
        print_fit_failures(claims, measured, fit, best)
        print(json.dumps({"validation": rates(claims, measured, validation, best)}))
        print_failures(claims, measured, validation, best)
        return
    report = {
        "thresholds": vars(best),
        "fit": rates(claims, measured, fit, best),
        "validation": rates(claims, measured, validation, best),
        "held-out": rates(claims, measured, held, best),
        "held-out by language": {
            language: rates(
                claims, measured, [i for i in held if claims[i]["language"] == language], best
            )
            for language in ("en", "hi")
        },
        "held-out by file": {
            name: rates(claims, measured, [i for i in held if claims[i]["file"] == name], best)
            for name in sorted({claims[i]["file"] for i in held})
        },
        # What ships may be a fit of another machine (int8 kernels differ between CPUs).
        "shipped thresholds": vars(config.verifier),
        "held-out at the shipped thresholds": {
            language: rates(claims, measured, part, config.verifier)
            for language, part in [
                ("all", held),
                *[
                    (lang, [i for i in held if claims[i]["language"] == lang])
                    for lang in ("en", "hi")
                ],
            ]
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, indent=1, ensure_ascii=False))


def read_claims(fit_only: bool) -> list[dict]:
    """Every line of every claims file, in file order; no held-out line when `fit_only`."""
    claims = []
    for path in sorted(REPO.glob(CLAIM_FILES)):
        lines = path.read_text(encoding="utf-8").splitlines()
        claims += [json.loads(line) | {"file": path.name} for line in lines if line]
    return [claim for claim in claims if claim["split"] != "held-out" or not fit_only]


def print_fit_failures(
    claims: list[dict], measured: list, fit: list[int], thresholds: VerifierConfig
) -> None:
    """The fit figures, then each fit claim decided wrongly, with its closest verdicts."""
    figures = rates(claims, measured, fit, thresholds)
    by_language = {
        language: rates(
            claims, measured, [i for i in fit if claims[i]["language"] == language], thresholds
        )
        for language in ("en", "hi")
    }
    print(json.dumps({"thresholds": vars(thresholds), "fit": figures}))
    print(json.dumps({"fit by language": by_language}, ensure_ascii=False))
    print_failures(claims, measured, fit, thresholds)


def print_failures(
    claims: list[dict], measured: list, ids: list[int], thresholds: VerifierConfig
) -> None:
    """Each claim of `ids` decided wrongly, with its candidate sets' measures and reasons."""
    for i in ids:
        claim = claims[i]
        if decide(claims, measured, i, thresholds) == claim["supported"]:
            continue
        print(f"\n[{claim['split']} {claim['kind']} {claim['language']}] {claim['claim']}")
        for verdict in measured[i]:
            print(
                f"  cov={verdict.coverage:.2f} sim={verdict.similarity:.2f}"
                f"{'(e5)' if verdict.multilingual else ''} "
                f"same={verdict.same_language} hard={verdict.hard_failure} {verdict.reason}"
            )


def decide(claims: list[dict], measured: list, i: int, thresholds: VerifierConfig) -> bool:
    """The checker's decision under `thresholds`: some set passes every check (checks.py)."""
    for verdict in measured[i]:
        needed = thresholds.coverage if verdict.same_language else thresholds.cross_coverage
        rescued = not verdict.same_language and verdict.multilingual
        if rescued and verdict.similarity >= thresholds.cross_rescue:
            needed = 0.0
        bar = thresholds.multilingual_similarity if verdict.multilingual else thresholds.similarity
        passes = verdict.coverage >= needed and verdict.similarity >= bar
        passes = passes and verdict.coverage > 0.0  # checks.py: no shared word is no support
        if not verdict.hard_failure and passes:
            return True
    return False


def rates(claims: list[dict], measured: list, ids: list[int], thresholds: VerifierConfig) -> dict:
    result = {}
    for kind in KINDS:
        members = [i for i in ids if claims[i]["kind"] == kind]
        if not members:
            continue
        decided = [decide(claims, measured, i, thresholds) for i in members]
        share = (
            sum(decided) / len(decided) if kind == "supported" else 1 - sum(decided) / len(decided)
        )
        label = "accepted" if kind == "supported" else "rejected"
        result[kind] = {label: round(share, 3), "claims": len(members)}
    return result


def fit_thresholds(claims: list[dict], measured: list, fit: list[int]) -> VerifierConfig:
    """The leximin grid point (module docstring), every point decided at once with numpy."""
    table = _VerdictTable(claims, measured, fit)
    # e5's cosines crowd into 0.7-0.9; -1 leaves its pairs to the lexical checks alone, and a
    # rescue of 2.0 never lets e5 stand in for coverage. Each list runs from loose to strict.
    e5_grid = [-1.0] + [x / 40 for x in range(24, 39)]
    rescue_grid = [0.86, 0.88, 0.9, 0.92, 0.94, 2.0]
    best, best_score = VerifierConfig(), (-2.0,) * len(BARS)
    for coverage, cross, rescue in itertools.product(
        [x / 20 for x in range(20)], [x / 20 for x in range(12)], rescue_grid
    ):
        lexical = table.lexical_pass(coverage, cross, rescue)
        for similarity, multilingual in itertools.product([x / 20 for x in range(-4, 17)], e5_grid):
            shares = table.shares(lexical & table.similar(similarity, multilingual))
            margins = [shares[kind] - bar for kind, bar in BARS.items()]
            # Leximin: the smallest margin first, then the next; a point that ties on the
            # smallest but accepts fewer supported claims (with no more rejections) is not better.
            score = tuple(sorted(round(margin, 9) for margin in margins))
            # Full ties go to the stricter thresholds: the claims are all on the articles'
            # subjects, while a generator also writes sentences about nothing in the evidence.
            if score >= best_score:
                best = VerifierConfig(coverage, cross, similarity, multilingual, rescue)
                best_score = score
    return best


class _VerdictTable:
    """The fit claims' verdicts as arrays, so a grid point is decided in a few numpy operations."""

    def __init__(self, claims: list[dict], measured: list, ids: list[int]) -> None:
        rows = [(n, v) for n, i in enumerate(ids) for v in measured[i]]
        self.owner = np.array([n for n, _ in rows], dtype=np.int64)
        self.coverage = np.array([v.coverage for _, v in rows])
        self.similarity = np.array([v.similarity for _, v in rows])
        self.same = np.array([v.same_language for _, v in rows], dtype=bool)
        self.by_e5 = np.array([v.multilingual for _, v in rows], dtype=bool)
        self.open = np.array([not v.hard_failure and v.coverage > 0.0 for _, v in rows])
        self.kinds = {kind: np.array([claims[i]["kind"] == kind for i in ids]) for kind in BARS}
        self.claims = len(ids)

    def lexical_pass(self, coverage: float, cross: float, rescue: float) -> np.ndarray:
        read_across = ~self.same & self.by_e5 & (self.similarity >= rescue)
        return self.open & ((self.coverage >= np.where(self.same, coverage, cross)) | read_across)

    def similar(self, similarity: float, multilingual: float) -> np.ndarray:
        return self.similarity >= np.where(self.by_e5, multilingual, similarity)

    def shares(self, passes: np.ndarray) -> dict[str, float]:
        """Per kind: the share accepted (supported) or rejected (the others), as rates()."""
        accepted = np.bincount(self.owner[passes], minlength=self.claims) > 0
        result = {}
        for kind, members in self.kinds.items():
            share = float(accepted[members].mean()) if members.any() else 0.0
            result[kind] = round(share if kind == "supported" else 1 - share, 3)
        return result


if __name__ == "__main__":
    main()
