"""Benchmark 4 (issue 6): time and peak memory of counting a stream at 1×, 4× and 16× a 10,000-article sample.

The sample is the first :data:`SAMPLE_ARTICLES` records of the corpus. The
k× corpus is k copies of it in one JSONL.gz file, each copy's ids suffixed
``~copyN`` so that no id repeats (a repeated id would be renamed and warned
about in the load report, which is not what is measured).

Each size runs ``python benchmarks/worker.py stream``: ``count_tables`` on
``stream_corpus`` by outlet, reading and counting one article at a time, as
``framing counts CORPUS --by outlet`` does. The one-process run
(``n_jobs=1``, pinned to one CPU) gives the peak memory, since everything
happens in that process; the two-worker run (not pinned) gives the time a
user waits. Each runs :data:`REPEATS` times, taking turns, and the best
time is kept: one run of each on a shared machine moved the linearity by
more than the target's margin. The figure ``benchmarks/scaling.png`` plots
both against the ideal linear growth.
"""

from __future__ import annotations

import gzip
import json

from harness import MB, Context, benchmark, log, run_worker, target

SAMPLE_ARTICLES = 10_000
QUICK_SAMPLE_ARTICLES = 500
COPIES = (1, 4, 16)
LEXICON = "israel_gaza"
#: The issue's limits: time close to linear, peak memory up by at most 20% from 1x to 16x.
MEMORY_GROWTH_TARGET = 0.20
LINEARITY_TARGET = 0.8
#: Runs of each size and kind: the best time is kept (a busy spell of a shared machine only adds time), and
#: the highest peak memory.
REPEATS = 2
FIGURE = "scaling.png"


def _copies_file(context: Context, copies: int, n_articles: int):
    """The k× corpus of the first ``n_articles`` records (gzip level 1: writing is not what is measured)."""
    path = context.work_path(f"scaling_{copies}x.jsonl.gz")
    sample = context.subset_file(n_articles)
    with open(sample, "rb") as source:
        records = [json.loads(line) for line in source if line.strip()]
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for copy in range(1, copies + 1):
            for record in records:
                out.write(json.dumps({**record, "id": f"{record['id']}~copy{copy}"}, ensure_ascii=False) + "\n")
    return path


def _plot(result: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import ticker
    from matplotlib.figure import Figure

    sizes = [row["copies"] for row in result["rows"]]
    figure = Figure(figsize=(9, 3.6))
    time_ax, memory_ax = figure.subplots(1, 2)
    for key, label, marker in (("seconds_1", "1 process (pinned to one CPU)", "o"),
                               ("seconds_2", "2 worker processes", "s")):
        seconds = [row[key] for row in result["rows"]]
        time_ax.plot(sizes, seconds, marker=marker, label=label)
        time_ax.plot(sizes, [seconds[0] * size for size in sizes], linestyle=":", color="grey")
    time_ax.set(xscale="log", yscale="log", xticks=sizes, xticklabels=[f"{s}×" for s in sizes],
                xlabel=f"copies of the {result['sample_articles']:,}-article sample", ylabel="wall time (s)",
                title="Time (dotted: linear from 1×)")
    time_ax.minorticks_off()
    time_ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
    time_ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))  # 2, 5, 10, 20, not 10^1
    time_ax.legend(fontsize=8)
    memory = [row["peak_rss_bytes_1"] / MB for row in result["rows"]]
    memory_ax.plot(sizes, memory, marker="o", label="peak RSS, 1 process")
    memory_ax.axhline(memory[0] * (1 + MEMORY_GROWTH_TARGET), linestyle=":", color="grey",
                      label=f"1× + {MEMORY_GROWTH_TARGET:.0%} (target)")
    memory_ax.set(xscale="log", xticks=sizes, xticklabels=[f"{s}×" for s in sizes], ylim=(0, max(memory) * 1.4),
                  xlabel=f"copies of the {result['sample_articles']:,}-article sample", ylabel="MB", title="Peak memory")
    memory_ax.minorticks_off()
    memory_ax.legend(fontsize=8)
    figure.suptitle("framing: counting a stream (count_tables on stream_corpus, by outlet)", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=120, metadata={"Software": None})


def _render(result: dict) -> list[str]:
    rows = result["rows"]
    lines = [
        f"Sample: the first {result['sample_articles']:,} articles of `{result['corpus']}`; lexicon "
        f"`{result['lexicon']}`. Each size is one JSONL.gz file of k copies (ids made unique). Job: "
        "`count_tables(stream_corpus(FILE), by=\"outlet\")` in a fresh `worker.py stream` process. "
        f"Each size ran {len(rows[0].get('runs_1', [0]))} time(s) with each kind, taking turns: the best wall "
        "time is shown (every run in brackets) and the highest peak memory.",
        "",
        "| copies | articles | tokens | 1 process: wall (s) | s per 1,000 articles | peak RSS (MB) | "
        "2 workers: wall (s) | load-report rows |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        runs_1 = ", ".join(f"{value:.1f}" for value in row.get("runs_1", [row["seconds_1"]]))
        runs_2 = ", ".join(f"{value:.1f}" for value in row.get("runs_2", [row["seconds_2"]]))
        lines.append(f"| {row['copies']}× | {row['n_articles']:,} | {row['n_tokens']:,} | {row['seconds_1']:.1f} "
                     f"({runs_1}) | {1000 * row['seconds_1'] / row['n_articles']:.3f} | "
                     f"{row['peak_rss_bytes_1'] / MB:,.0f} | {row['seconds_2']:.1f} ({runs_2}) | "
                     f"{row['load_report_rows']:,} |")
    m = result["metrics"]
    lines += [
        "",
        f"- Time from 1× to 16×: ×{m['time_growth_1']:.1f} with one process, ×{m['time_growth_2']:.1f} with two "
        f"workers; linear growth is ×16. Linearity (16 ÷ time growth; 1 is exactly linear, above 1 means "
        f"start-up costs are spread over more articles): {m['linearity_1']:.2f} and {m['linearity_2']:.2f}.",
        f"- Peak memory from 1× to 16×: {m['memory_growth']:+.1%} (target at most +{MEMORY_GROWTH_TARGET:.0%}).",
        "- What still grows with the corpus: the load report (one row per record, kept by column: its record "
        "number, two small codes and its article id) and the "
        "set of ids used to rename duplicates; per-outlet sums do not grow.",
        "",
        f"![Scaling]({FIGURE})",
        "",
    ]
    return lines


@benchmark("scaling", "Scaling: a stream of 1×, 4× and 16× a 10,000-article sample", _render)
def scaling(context: Context) -> dict:
    """Time and peak memory of counting a stream as the corpus grows."""
    rows = []
    sample = QUICK_SAMPLE_ARTICLES if context.quick else SAMPLE_ARTICLES
    repeats = 1 if context.quick else REPEATS
    for copies in COPIES:
        path = _copies_file(context, copies, sample)
        ones, twos, peaks = [], [], []
        for run in range(repeats):  # the two kinds take turns, so a busy spell of the machine falls on both
            log(f"{copies}x, run {run + 1} of {repeats}: one process (pinned)")
            one, child_one = run_worker(context, "stream", "--data", str(path), "--lexicon", LEXICON,
                                        "--n-jobs", "1")
            log(f"  {one['seconds']:.1f} s, peak RSS {child_one.max_rss_bytes / MB:,.0f} MB")
            log(f"{copies}x, run {run + 1} of {repeats}: two workers (not pinned)")
            two, _ = run_worker(context, "stream", "--data", str(path), "--lexicon", LEXICON, "--n-jobs", "2",
                                pin=False)
            log(f"  {two['seconds']:.1f} s")
            if (one["match_total"], one["n_tokens"]) != (two["match_total"], two["n_tokens"]):
                raise RuntimeError(f"{copies}x: one process and two workers counted differently")
            ones.append(one)
            twos.append(two)
            peaks.append(child_one.max_rss_bytes)
        one = ones[0]
        rows.append({"copies": copies, "n_articles": one["n_articles"], "n_tokens": one["n_tokens"],
                     "match_total": one["match_total"],
                     "seconds_1": min(run["seconds"] for run in ones), "seconds_2": min(run["seconds"] for run in twos),
                     "runs_1": [run["seconds"] for run in ones], "runs_2": [run["seconds"] for run in twos],
                     "peak_rss_bytes_1": max(peaks), "load_report_rows": one["load_report_rows"]})
        path.unlink()
    first, last = rows[0], rows[-1]
    factor = last["copies"] / first["copies"]
    metrics = {
        "time_growth_1": last["seconds_1"] / first["seconds_1"],
        "time_growth_2": last["seconds_2"] / first["seconds_2"],
        "linearity_1": factor / (last["seconds_1"] / first["seconds_1"]),
        "linearity_2": factor / (last["seconds_2"] / first["seconds_2"]),
        "memory_growth": last["peak_rss_bytes_1"] / first["peak_rss_bytes_1"] - 1,
    }
    result = {"corpus": str(context.data), "sample_articles": sample, "lexicon": LEXICON, "rows": rows,
              "metrics": metrics, "figure": FIGURE,
              "targets": [
                  target("peak memory growth 1x to 16x", 100 * metrics["memory_growth"], "<=",
                         100 * MEMORY_GROWTH_TARGET, "%"),
                  target("time linearity 1x to 16x (16 / time growth), one process", metrics["linearity_1"], ">=",
                         LINEARITY_TARGET),
              ]}
    if not context.quick:
        _plot(result, context.repo / "benchmarks" / FIGURE)
    return result
