"""Benchmark 2: ``framing report`` end to end on the AllSides corpus (37,554 articles, 491 outlets).

end to end
    ``framing report CORPUS --out benchmarks/.work/report_allsides --formats png
    --lexicon us_politics`` in a fresh process, as a user runs it: wall time,
    CPU time and the peak RSS of that process (``ru_maxrss`` from ``os.wait4``).
    Best of :data:`END_TO_END_REPEATS` runs (one: a run takes minutes, and the
    stage run below is a second measurement of the same work).
stages
    ``python benchmarks/worker.py report``: ``load_corpus``, then
    ``write_report`` with the same options, in a fresh process, with the wall
    time, CPU time and peak RSS by the end of each stage.

Neither child is pinned to one CPU and math libraries keep their default
threads: this is the command as a user runs it on this machine.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

from harness import MB, Context, benchmark, log, run_child, summarize_runs, target

LEXICON = "us_politics"
FORMATS = "png"
END_TO_END_REPEATS = 1
WALL_TARGET_SECONDS = 180
LATER_WALL_TARGET_SECONDS = 90
MEMORY_TARGET_MB = 2000
#: Stages of ``write_report`` (``ReportResult.timings``) after loading, in order, with their labels.
STAGE_LABELS = {
    "load": "load (`load_corpus`)",
    "counting": "counting (`count_terms` by article and by outlet)",
    "duplicates": "duplicates (`find_duplicates`), while workers segment every text into voices",
    "profiles": "profiles (`profile_outlets`)",
    "clustering": "narration-only corpus (`keep_voices`) and clustering (`cluster_articles`)",
    "distinctive_terms": "distinctive terms (n-grams and lexicon), while harm reports and casualty figures run "
                         "in workers",
    "voice_referents_sourcing_agency": "voice shares, referents, harm reports and casualty figures (collected)",
    "figures": "figures (PNG), while a child process writes the tables and workers find the page's matches",
    "tables": "tables (the wait for the child process that writes the CSV files)",
    "html": "HTML page",
}


def _report_argv(context: Context, out: Path) -> list[str]:
    """``framing report`` through the console script beside the harness's interpreter."""
    script = Path(context.python).with_name("framing")
    if not script.exists():
        raise RuntimeError(f"the framing command is not installed beside {context.python}; "
                           "install the project (make test) first")
    return [str(script), "report", str(context.corpus_file), "--out", str(out), "--formats", FORMATS,
            "--lexicon", LEXICON]


def _run_report(context: Context, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)  # scratch output: every run writes into a new folder, as a user's first run
    argv = _report_argv(context, out)
    child = run_child(argv, cwd=context.repo)
    if child.returncode != 0:
        raise RuntimeError(f"framing report failed with exit code {child.returncode}: {shlex.join(argv)}")
    return {"wall_seconds": child.wall_seconds, "cpu_seconds": child.user_seconds + child.system_seconds,
            "peak_rss_bytes": child.max_rss_bytes}


def _stage_run(context: Context, out: Path) -> dict:
    """The worker's stage breakdown (run outside :func:`harness.run_worker`, which limits threads and pins)."""
    result_file = context.work_path("worker_report.json")
    result_file.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    argv = [context.python, str(Path(__file__).with_name("worker.py")), "report", "--data", str(context.corpus_file),
            "--lexicon", LEXICON, "--formats", FORMATS, "--report-dir", str(out), "--out", str(result_file)]
    child = run_child(argv, cwd=context.repo)
    if child.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"worker 'report' failed with exit code {child.returncode}: {shlex.join(argv)}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result.update(wall_seconds=child.wall_seconds, cpu_seconds=child.user_seconds + child.system_seconds,
                  peak_rss_bytes=child.max_rss_bytes)
    return result


def _render(result: dict) -> list[str]:
    """Markdown section of the end-to-end report benchmark."""
    runs, stages = result["end_to_end"], result["stages"]
    seconds, cpu = runs["seconds"], runs["cpu_seconds"]
    lines = [
        f"Corpus: `{result['corpus']}`, {stages['n_articles']:,} articles from {stages['n_outlets']:,} outlets, "
        f"{stages['text_bytes'] / MB:,.1f} MB of article text. Lexicon: `{result['lexicon']}` (the one written for "
        f"this US corpus).",
        "",
        "Reproduce (from the repository root; the whole benchmark is "
        "`python benchmarks/run.py --only report_end_to_end`):",
        "",
        "```",
        result["command"],
        "```",
        "",
        "| | wall time (s) | CPU time (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|",
        f"| `framing report`, best of {len(seconds['runs'])} | **{seconds['best']:.1f}** | {cpu['best']:.1f} | "
        f"**{runs['peak_rss_bytes'] / MB:,.0f}** |",
        f"| every run | {', '.join(f'{value:.1f}' for value in seconds['runs'])} | "
        f"{', '.join(f'{value:.1f}' for value in cpu['runs'])} | |",
        f"| stage run (`worker.py report`, below) | {stages['wall_seconds']:.1f} | {stages['cpu_seconds']:.1f} | "
        f"{stages['peak_rss_bytes'] / MB:,.0f} |",
        "",
        f"Output: `index.html` is {result['index_html_bytes'] / MB:,.1f} MB (figures embedded); the tables are "
        f"{result['tables_bytes'] / MB:,.1f} MB of CSV; {stages['n_figures']} figure files.",
        "",
        "### Stages",
        "",
        "One run of `python benchmarks/worker.py report` (load, then `write_report` with the same options, in a "
        "fresh process). Peak RSS is the process's maximum so far at the end of the stage.",
        "",
        "| stage | wall (s) | share | CPU (s) | peak RSS by its end (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    total = sum(stage["seconds"] for stage in stages["stages"].values())
    for name, stage in stages["stages"].items():
        lines.append(f"| {STAGE_LABELS.get(name, name)} | {stage['seconds']:.1f} | {stage['seconds'] / total:.0%} | "
                     f"{stage['cpu_seconds']:.1f} | {stage['peak_rss_bytes'] / MB:,.0f} |")
    lines += [f"| **total** | **{total:.1f}** | | | |", ""]
    rows = ", ".join(f"{name} {count:,}" for name, count in stages["table_rows"].items())
    lines += [
        f"Table rows: {rows}.",
        "",
        "Notes written by the report:",
        "",
        *(f"- {note}" for note in stages["notes"]),
        "",
        "**How it was measured.**",
        "",
        "- Each run is a fresh process; wall time runs from just before the fork to the reaping of the child "
        "(interpreter start-up and imports included); CPU time is user + system of that child, and peak RSS its "
        "own `ru_maxrss` (from `os.wait4`).",
        "- The children are not pinned to one CPU and BLAS/OpenMP keep their default threads: this is the "
        "command as a user runs it. CPU time above wall time means a library used the second core.",
        "- The stage table comes from `ReportResult.timings` (wall seconds of each stage, measured inside "
        "`write_report`); the worker adds CPU time and peak RSS at the end of each stage. Its total excludes "
        "interpreter start-up and imports, so it is a little below the end-to-end wall time.",
    ]
    return lines


@benchmark("report_end_to_end", "`framing report` end to end on AllSides", _render)
def report_end_to_end(context: Context) -> dict:
    """Wall time, CPU time and peak memory of ``framing report``, with a per-stage breakdown."""
    out = context.work_path("report_allsides")
    runs = []
    for repeat in range(1, END_TO_END_REPEATS + 1):
        log(f"run {repeat}/{END_TO_END_REPEATS}: framing report --lexicon {LEXICON} in a fresh process")
        runs.append(_run_report(context, out))
        log(f"  {runs[-1]['wall_seconds']:.1f} s wall, {runs[-1]['cpu_seconds']:.1f} s CPU, "
            f"peak RSS {runs[-1]['peak_rss_bytes'] / MB:,.0f} MB")
    index_html_bytes = (out / "index.html").stat().st_size
    tables_bytes = sum(path.stat().st_size for path in (out / "tables").glob("*.csv"))


    log("stage breakdown: worker.py report")
    stages = _stage_run(context, context.work_path("report_allsides_stages"))
    log("  " + ", ".join(f"{name} {stage['seconds']:.1f} s" for name, stage in stages["stages"].items()))

    wall = summarize_runs([run["wall_seconds"] for run in runs])
    peak_rss_mb = max(run["peak_rss_bytes"] for run in runs) / MB
    command = shlex.join(["framing", "report", str(context.corpus_file), "--out",
                          str(out.relative_to(context.repo)), "--formats", FORMATS, "--lexicon", LEXICON])
    return {
        "lexicon": LEXICON,
        "corpus": str(context.corpus_file),
        "command": command,
        "end_to_end": {"seconds": wall, "cpu_seconds": summarize_runs([run["cpu_seconds"] for run in runs]),
                       "peak_rss_bytes": max(run["peak_rss_bytes"] for run in runs)},
        "stages": stages,
        "index_html_bytes": index_html_bytes,
        "tables_bytes": tables_bytes,
        "targets": [
            target("wall time, best run", wall["best"], "<", WALL_TARGET_SECONDS, "s"),
            target("peak RSS", peak_rss_mb, "<", MEMORY_TARGET_MB, "MB"),
            target("wall time, best run (later issue)", wall["best"], "<", LATER_WALL_TARGET_SECONDS, "s"),
        ],
    }
