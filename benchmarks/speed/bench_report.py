"""Turn bench.py's measurements into targets, report.json, a Markdown report and scaling.png."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any


def get(row: dict, *keys: str) -> Any:
    """row[k1][k2]..., or None when any step is missing or failed."""
    for key in keys:
        if not isinstance(row, dict) or key not in row or "error" in row:
            return None
        row = row[key]
    return row


def ratio(top: Any, bottom: Any) -> float | None:
    return round(top / bottom, 2) if top and bottom else None


def derived(row: dict) -> dict[str, Any]:
    """The figures the tables and targets use, computed once per corpus."""
    chunks, seconds = get(row, "build", "chunks"), get(row, "build", "seconds")
    base_chunks, base_seconds = get(row, "baseline", "chunks"), get(row, "baseline", "seconds")
    colds = [run["wall_s"] for run in row.get("cold", []) if "error" not in run]
    return {
        "chunks": chunks,
        "chunks_per_s": ratio(chunks, seconds),
        "cold_s": statistics.median(colds) if colds else None,
        "build_ratio": ratio(ratio(chunks, seconds), ratio(base_chunks, base_seconds)),
        "folder_time_ratio": ratio(base_seconds, seconds),
        # The model's work, not chunk counts: ours embeds chunks and their sentences, the
        # baseline fewer, longer nodes (SentenceSplitter's 1,024 tokens) with their metadata.
        "texts_per_s_ratio": ratio(
            ratio(get(row, "build", "embedded_texts"), seconds),
            ratio(get(row, "baseline", "embedded_texts"), base_seconds),
        ),
        "chars_per_s_ratio": ratio(
            ratio(get(row, "build", "embedded_chars"), seconds),
            ratio(get(row, "baseline", "embedded_chars"), base_seconds),
        ),
        "retrieval_speedup": ratio(
            get(row, "baseline", "retrieve", "p50_ms"), get(row, "serve", "search", "p50_ms")
        ),
    }


def exponent(points: list[tuple[Any, Any]]) -> float | None:
    """Slope of log(value) against log(chunks): 1 is linear growth, below 1 sub-linear."""
    points = [(math.log(x), math.log(y)) for x, y in points if x and y]
    if len(points) < 2:
        return None
    mx, my = statistics.mean(x for x, _ in points), statistics.mean(y for _, y in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return round(slope, 2)


def targets(rows: dict[str, dict]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each issue 4 target; met is None when not measured."""
    real = [n for n, r in rows.items() if not r["stand_in"] and r["d"]["build_ratio"]]
    at10, at50 = rows.get("synthetic-10000", {}), rows.get("synthetic-50000", {})
    synthetic = [r for n, r in rows.items() if n.startswith("synthetic")]
    build = {n: rows[n]["d"]["build_ratio"] for n in real}
    speed = {n: r["d"]["retrieval_speedup"] for n, r in rows.items() if r["d"]["retrieval_speedup"]}
    ask = (get(at10, "serve", "ask", "p50_ms"), get(at10, "serve", "ask", "p95_ms"))
    grow = exponent([(r["d"]["chunks"], get(r, "serve", "ask", "p50_ms")) for r in synthetic])
    cold = {n: r["d"]["cold_s"] for n, r in rows.items() if r["d"]["cold_s"]}
    change = get(at10, "reindex", "changed", "wall_s")
    rss = get(at50, "serve", "peak_rss_mb")

    def check(values: dict, good: Any) -> tuple[str, bool | None]:
        text = ", ".join(f"{n} {v}" for n, v in values.items()) or "not measured"
        return text, all(good(v) for v in values.values()) if values else None

    def one(value: Any, good: Any, text: str) -> tuple[str, bool | None]:
        return (text, good(value)) if value is not None else ("not measured", None)

    return [
        ("build >= 1.5x baseline chunks/s (real model)", *check(build, lambda v: v >= 1.5)),
        (
            "warm answer p50 <= 30 ms, p95 <= 80 ms at 10k",
            *one(ask[0], lambda v: v <= 30 and (ask[1] or 1e9) <= 80, f"{ask[0]} / {ask[1]} ms"),
        ),
        ("retrieval >= 2x faster than baseline (p50)", *check(speed, lambda v: v >= 2)),
        ("ask latency sub-linear 2k -> 50k", *one(grow, lambda v: v < 1, f"exponent {grow}")),
        ("cold `assistant ask` <= 4 s", *check(cold, lambda v: v <= 4)),
        (
            "one changed document re-indexed <= 2 s at 10k",
            *one(change, lambda v: v <= 2, f"{change} s"),
        ),
        ("peak RSS serving 50k <= 1.5 GB", *one(rss, lambda v: v <= 1536, f"{rss} MB")),
    ]


def markdown(results: dict, rows: dict[str, dict]) -> str:
    load = " / ".join(f"{v:.1f}" for v in results["load_start"])
    end = " / ".join(f"{v:.1f}" for v in results.get("load_end", [])) or "(run not finished)"
    lines = [
        "# Performance benchmark",
        "",
        f"`benchmarks/speed/bench.py{' --quick' if results['quick'] else ''}`, started "
        f"{results['started']}, {results['cpus']} CPUs shared with other jobs; load average "
        f"(1/5/15 min) {load} at start, {end} at end. Pool export + embedding: "
        f"{get(results, 'pool', 'seconds') or '(cached)'} s for "
        f"{get(results, 'pool', 'texts') or '(cached)'} sentences.",
        "",
        "| Target | Measured | Met |",
        "|---|---|---|",
        *[
            f"| {t} | {m} | {'—' if ok is None else 'yes' if ok else '**no**'} |"
            for t, m, ok in targets(rows)
        ],
        "",
        "| Corpus | Chunks | Build s | Chunks/s | Build RSS MB | Disk MB | Search p50/p95 ms "
        "| Answer p50/p95 ms | Serve RSS MB | Cold ask s | Re-index changed / added s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in rows.items():
        d = row["d"]
        lines.append(
            f"| {name}{' (stand-in vectors)' if row['stand_in'] else ''} | {d['chunks']} "
            f"| {get(row, 'build', 'seconds')} | {d['chunks_per_s']} "
            f"| {get(row, 'build', 'peak_rss_mb')} | {row.get('disk_mb')} "
            f"| {get(row, 'serve', 'search', 'p50_ms')} / {get(row, 'serve', 'search', 'p95_ms')} "
            f"| {get(row, 'serve', 'ask', 'p50_ms')} / {get(row, 'serve', 'ask', 'p95_ms')} "
            f"| {get(row, 'serve', 'peak_rss_mb')} | {d['cold_s']} "
            f"| {get(row, 'reindex', 'changed', 'wall_s')} / "
            f"{get(row, 'reindex', 'added', 'wall_s')} |"
        )
    lines += [
        "",
        "Baseline: plain llama-index on the same folder and model (ratios ours / baseline). Build "
        "seconds count each side's imports and model load. Texts and characters are what each "
        "side sends to the model: ours embeds every chunk and sentence, the baseline fewer, longer "
        "nodes with their metadata, which the model truncates at 256 word pieces.",
        "",
        "| Corpus | Baseline chunks | Build s | Chunks/s ratio | Folder time ratio "
        "| Texts embedded ours / baseline | Texts/s ratio | Chars/s ratio "
        "| Retrieve p50/p95 ms | Retrieval speed-up | Baseline RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in rows.items():
        if get(row, "baseline", "chunks"):
            d = row["d"]
            lines.append(
                f"| {name} | {get(row, 'baseline', 'chunks')} | {get(row, 'baseline', 'seconds')} "
                f"({get(row, 'baseline', 'import_seconds')} imports) "
                f"| {d['build_ratio']} | {d['folder_time_ratio']} "
                f"| {get(row, 'build', 'embedded_texts')} / "
                f"{get(row, 'baseline', 'embedded_texts')} "
                f"| {d['texts_per_s_ratio']} | {d['chars_per_s_ratio']} "
                f"| {get(row, 'baseline', 'retrieve', 'p50_ms')} / "
                f"{get(row, 'baseline', 'retrieve', 'p95_ms')} | {d['retrieval_speedup']} "
                f"| {get(row, 'baseline', 'peak_rss_mb')} |"
            )
    lines += ["", "![build time, latency and memory against chunks](scaling.png)", ""]
    for name, row in rows.items():
        for step in ("build", "serve"):
            if get(row, step, "profile"):
                lines += [f"Profile, {step} on {name} (own s, cumulative s):", ""]
                lines += [f"- `{f}` {own} / {cum}" for f, own, cum in row[step]["profile"]]
                lines.append("")
    return "\n".join(lines)


def plot(rows: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    synthetic = [r for n, r in rows.items() if n.startswith("synthetic") and r["d"]["chunks"]]
    x = [r["d"]["chunks"] for r in synthetic]
    panels = [
        ("build s", [("build", "seconds")]),
        (
            "latency ms",
            [("serve", "ask", "p50_ms"), ("serve", "ask", "p95_ms"), ("serve", "search", "p50_ms")],
        ),
        ("peak RSS MB", [("serve", "peak_rss_mb"), ("build", "peak_rss_mb")]),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for axis, (label, series) in zip(axes, panels, strict=True):
        for keys in series:
            axis.plot(x, [get(r, *keys) for r in synthetic], marker="o", label=" ".join(keys))
        axis.set(xscale="log", xlabel="chunks", ylabel=label)
        axis.legend(fontsize=7)
    figure.suptitle("Synthetic corpora (above 2,000 chunks built from stand-in vectors)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def save(results: dict, out: Path) -> None:
    rows = {row["name"]: row | {"d": derived(row)} for row in results["corpora"]}
    summary = results | {"targets": targets(rows), "derived": {n: r["d"] for n, r in rows.items()}}
    (out / "report.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(markdown(results, rows) + "\n", encoding="utf-8")
    plot(rows, out / "scaling.png")
