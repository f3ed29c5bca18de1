"""Benchmark 1 (issue 2): lexicon counting throughput against ``grep -F``.

framing side
    ``framing.load_corpus`` then ``framing.count_terms(corpus, LEXICON)`` in a
    fresh interpreter per repetition (timed separately inside the child; the
    peak RSS is that child's own ``ru_maxrss``).
reference side
    ``LC_ALL=C grep -o -i -w -F -f terms.txt allsides_texts.txt`` on the same
    article texts, one per line, with the lexicon terms as fixed strings.

Throughput is the total UTF-8 bytes of the article texts divided by the
counting seconds (``MB`` = 10**6 bytes), best of ``context.repeats`` runs.
The counting is also profiled once with cProfile on a 5,000-article subset.
"""

from __future__ import annotations

import shutil
from collections import Counter

from harness import MB, ChildRun, Context, benchmark, log, run_child, run_worker, summarize_runs, target

LEXICON = "israel_gaza"
PROFILE_ARTICLES = 5000
TOP_FUNCTIONS = 10
#: framing functions whose profiled time is split by caller in the report.
FOCUS_FUNCTIONS = ("normalize_text", "count_tokens", "match")
RATIO_TARGET = 0.5
#: Worker processes of the second framing measurement (every core of the benchmark machine).
PARALLEL_JOBS = 2
MEMORY_TARGET_MB = 1000


def _grep_argv(terms: str, texts: str) -> list[str]:
    return ["grep", "-o", "-i", "-w", "-F", "-f", terms, texts]


def _grep_once(context: Context, terms: str, texts: str) -> ChildRun:
    """One timed grep run, its output written to ``.work/grep_matches.txt``.

    The output goes to a scratch file, not to /dev/null: GNU grep detects a
    /dev/null standard output and stops at the first match (as with ``-q``),
    which would time nothing.
    """
    with open(context.work_path("grep_matches.txt"), "wb") as sink:
        run = run_child(_grep_argv(terms, texts), cpu=context.cpu, stdout=sink, env={"LC_ALL": "C"})
    if run.returncode not in (0, 1):  # 1 means "no match"
        raise RuntimeError(f"grep failed with exit code {run.returncode}")
    return run


def _grep_matches(context: Context) -> Counter:
    """Matches of the last grep run per fixed string (lower case)."""
    with open(context.work_path("grep_matches.txt"), encoding="ascii", errors="replace") as lines:
        return Counter(line.rstrip("\n").lower() for line in lines)


def _summarize_grep(runs: list[ChildRun], matches: Counter) -> dict:
    return {"seconds": summarize_runs([run.wall_seconds for run in runs]),
            "cpu_seconds": summarize_runs([run.user_seconds + run.system_seconds for run in runs]),
            "peak_rss_bytes": max(run.max_rss_bytes for run in runs),
            "match_total": sum(matches.values()), "matches_by_pattern": dict(matches)}


def _summarize_framing(results: list[dict], children: list[ChildRun]) -> dict:
    """Timings of every run; the peak RSS is the largest child's own ``ru_maxrss``."""
    totals = {result["match_total"] for result in results}
    if len(totals) != 1:
        raise RuntimeError(f"framing match totals differ between runs: {sorted(totals)}")
    first = results[0]
    return {"count_seconds": summarize_runs([r["count_seconds"] for r in results]),
            "load_seconds": summarize_runs([r["load_seconds"] for r in results]),
            "count_cpu_seconds": summarize_runs([r["count_cpu_seconds"] for r in results]),
            "peak_rss_bytes": max(child.max_rss_bytes for child in children),
            "peak_rss_after_load_bytes": max(r["peak_rss_after_load_bytes"] for r in results),
            **{key: first[key] for key in ("n_articles", "text_bytes", "n_rows", "match_total",
                                           "matches_by_term")}}


def _compare_terms(terms: list[dict], framing_counts: dict, grep_counts: dict, limit: int = 12) -> list[dict]:
    """Per grep pattern: framing's count (its terms summed) beside grep's, largest gaps first."""
    rows: dict[str, dict] = {}
    for term in terms:
        row = rows.setdefault(term["pattern"], {"pattern": term["pattern"], "terms": [], "framing": 0,
                                                "grep": grep_counts.get(term["pattern"], 0), "why": set()})
        if term["term"] not in row["terms"]:
            row["terms"].append(term["term"])
            row["framing"] += framing_counts.get(term["term"], 0)
        if term["wildcard"]:
            row["why"].add("wildcard")
        if term["exclusions"]:
            row["why"].add("exclusions")
        if term["case_sensitive"]:
            row["why"].add("case-sensitive")
        if "-" in term["term"]:
            row["why"].add("hyphen in term")
    for row in rows.values():
        longer = [p for p in rows if p != row["pattern"] and f" {row['pattern']} " in f" {p} "]
        if longer:
            row["why"].add("inside longer term")
        row["why"] = sorted(row["why"])
        row["difference"] = row["framing"] - row["grep"]
    ranked = sorted(rows.values(), key=lambda row: abs(row["difference"]), reverse=True)
    return ranked[:limit]


def _render(result: dict) -> list[str]:
    """Markdown section of the counting benchmark."""
    f, g, m = result["framing"], result.get("grep"), result["metrics"]
    repeats = len(f["count_seconds"]["runs"])

    def runs(summary):
        return ", ".join(f"{value:.2f}" for value in summary["runs"])

    lines = [
        f"Corpus: `{result['corpus']}`, {f['n_articles']:,} articles, "
        f"{f['text_bytes'] / MB:,.1f} MB of article text (UTF-8). Lexicon: `{result['lexicon']}` "
        f"({result['n_terms']} terms, {result['n_patterns']} distinct grep fixed strings).",
        "",
        "| | framing `count_terms` | `grep -o -i -w -F` |",
        "|---|---:|---:|",
    ]
    if g:
        lines += [
            f"| best of {repeats} (s) | {f['count_seconds']['best']:.2f} | {g['seconds']['best']:.2f} |",
            f"| median (s) | {f['count_seconds']['median']:.2f} | {g['seconds']['median']:.2f} |",
            f"| all runs (s) | {runs(f['count_seconds'])} | {runs(g['seconds'])} |",
            f"| CPU time, best (s) | {f['count_cpu_seconds']['best']:.2f} | {g['cpu_seconds']['best']:.2f} |",
            f"| throughput, best (MB/s) | **{m['framing_mb_per_s']:.2f}** | **{m['grep_mb_per_s']:.2f}** |",
            f"| articles per second | {m['framing_articles_per_s']:,.0f} | {m['grep_articles_per_s']:,.0f} |",
            f"| peak RSS of the process (MB) | {f['peak_rss_bytes'] / MB:,.0f} | {g['peak_rss_bytes'] / MB:,.1f} |",
            f"| matches counted | {f['match_total']:,} | {g['match_total']:,} |",
        ]
    else:
        lines += [
            f"| best of {repeats} (s) | {f['count_seconds']['best']:.2f} | (grep not found) |",
            f"| throughput, best (MB/s) | **{m['framing_mb_per_s']:.2f}** | |",
            f"| peak RSS of the process (MB) | {f['peak_rss_bytes'] / MB:,.0f} | |",
            f"| matches counted | {f['match_total']:,} | |",
        ]
    lines += [
        "",
        f"- **Ratio framing/grep: {m['ratio'] if m['ratio'] is None else format(m['ratio'], '.3f')}** "
        f"(target ≥ {RATIO_TARGET}, one core each); by CPU time instead of wall time: "
        f"{'n/a' if m['ratio_cpu_time'] is None else format(m['ratio_cpu_time'], '.3f')}.",
        *([f"- **With n_jobs={m['parallel_jobs']} worker processes** (not pinned; grep stays on one core): "
           f"count best {result['framing_parallel']['count_seconds']['best']:.2f} s "
           f"(runs {runs(result['framing_parallel']['count_seconds'])}), {m['parallel_mb_per_s']:.2f} MB/s, "
           f"ratio **{m['parallel_ratio']:.3f}**; the same counts as with one process."]
          if result.get("framing_parallel") and m.get("parallel_ratio") is not None else []),
        f"- Corpus loading (`load_corpus`, timed apart, not in the throughput): best "
        f"{f['load_seconds']['best']:.2f} s, median {f['load_seconds']['median']:.2f} s "
        f"({f['text_bytes'] / MB / f['load_seconds']['best']:.1f} MB/s of text).",
        f"- Peak memory of the framing child (load + count): {f['peak_rss_bytes'] / MB:,.0f} MB, of which "
        f"{f['peak_rss_after_load_bytes'] / MB:,.0f} MB were reached by the end of loading "
        f"(target < {MEMORY_TARGET_MB:,} MB).",
        f"- `count_terms` returned {f['n_rows']:,} rows (article × term).",
        "",
        "**How it was measured.**",
        "",
        f"- Best of {repeats} runs is reported (median and every run shown above); framing and grep runs "
        "alternate. Both children are pinned to one CPU"
        + (f" (CPU {result['cpu']})" if result.get("cpu") is not None else " (not pinned: no sched_setaffinity)")
        + "; BLAS/OpenMP threads are set to 1.",
        "- framing: each run is a fresh `python benchmarks/worker.py count` process, so no cache "
        "(matcher, token counts) is warm and its peak RSS (`ru_maxrss` from `os.wait4` on that child) "
        "covers only interpreter, imports, load and count. Load and count are timed with "
        "`time.perf_counter` inside the child; interpreter start-up is excluded.",
        "- CPU time (user + system) is recorded beside wall time, as a check when other processes compete "
        "for the CPU: framing's is `time.process_time` around `count_terms`, grep's the rusage of its process.",
        "- grep: wall time of the whole `grep` process (start-up included, a few ms). Its input "
        f"`.work/allsides_texts.txt` holds the texts exactly as framing loaded them, one article per line "
        f"(newlines replaced by spaces; {result['texts_file_bytes'] / MB:,.1f} MB); throughput uses the "
        "same byte count as framing's.",
        "- grep's output goes to `.work/grep_matches.txt`, not `/dev/null`: GNU grep notices a `/dev/null` "
        "standard output and stops at the first match (like `-q`), which times nothing. The match total is "
        "the line count of that file, so no separate `| wc -l` run is needed.",
        "- `terms.txt` holds each term's words joined by a space, with the trailing wildcard `*` removed: "
        "`grep -F` cannot do wildcards (so `hostage*` becomes the fixed string `hostage`, and `-w` then "
        "matches only the whole word `hostage`).",
        "",
        "**Why the match totals differ (by design).** grep does far less than framing:",
        "",
        "- *Wildcards*: framing's `hostage*`, `terror*`, `negotiat*` match `hostages`, `terrorists`, "
        "`negotiations`; grep's whole-word `hostage` does not.",
        "- *Exclusions*: framing drops `war` inside `world war`/`civil war`, `aid` inside `military aid`, "
        "`death` inside `death penalty`; grep counts them.",
        "- *Longest match per axis*: framing resolves overlaps separately on every axis and category, so "
        "one stretch of text can count once per axis; grep `-o` reports one leftmost-longest match per "
        "position across all patterns (`death toll` hides `death`).",
        "- *Case-sensitive terms*: framing's `Resistance*` needs the capital; grep `-i` ignores case.",
        "- *Normalisation and separators*: framing matches on normalised text (curly quotes, dashes, "
        "non-breaking spaces) and lets a space or a hyphen join words (`Hamas-run`, `cease-fire`); the C "
        "locale grep sees raw bytes and only the single spaces of the fixed strings.",
        "",
    ]
    comparison = result.get("term_comparison")
    if comparison:
        lines += [
            "Largest per-term gaps (framing counts of the terms that share one grep fixed string, summed):",
            "",
            "| grep fixed string | framing terms | framing | grep | framing − grep | term features |",
            "|---|---|---:|---:|---:|---|",
        ]
        for row in comparison:
            terms = ", ".join(f"`{t}`" for t in row["terms"])
            lines.append(f"| `{row['pattern']}` | {terms} | {row['framing']:,} | {row['grep']:,} | "
                         f"{row['difference']:+,} | {', '.join(row['why'])} |")
        lines.append("")
    lines += _render_profile(result["profile"])
    return lines


def _render_profile(profile: dict) -> list[str]:
    lines = [
        "### Hot spots",
        "",
        f"cProfile of one `count_terms(corpus, {LEXICON!r}, n_jobs=1)` call in a fresh process on the first "
        f"{profile['n_articles']:,} articles ({profile['text_bytes'] / MB:,.1f} MB of text); "
        f"{profile['total_seconds']:.2f} s under the profiler (which slows pure-Python code more than C "
        "code). Raw profile: `benchmarks/.work/count_terms.pstats`.",
        "",
    ]
    for order, title in (("tottime", "own time (tottime)"), ("cumtime", "cumulative time (cumtime)")):
        lines += [f"Top {len(profile['top'][order])} by {title}:", "",
                  "| function | calls | tottime (s) | cumtime (s) | share of total |",
                  "|---|---:|---:|---:|---:|"]
        for row in profile["top"][order]:
            share = row[order] / profile["total_seconds"] if profile["total_seconds"] else 0.0
            lines.append(f"| `{row['function']}` | {row['ncalls']} | {row['tottime']:.2f} | "
                         f"{row['cumtime']:.2f} | {share:.0%} |")
        lines.append("")
    if profile.get("callers"):
        lines += [f"Time of {', '.join(f'`{name}`' for name in FOCUS_FUNCTIONS)} by caller (cumulative, "
                  "under the profiler):", "",
                  "| function | called from | calls | cumtime (s) | share of total |", "|---|---|---:|---:|---:|"]
        for focus in profile["callers"]:
            for caller in focus["callers"]:
                share = caller["cumtime"] / profile["total_seconds"] if profile["total_seconds"] else 0.0
                lines.append(f"| `{focus['function']}` | `{caller['caller']}` | {caller['ncalls']} | "
                             f"{caller['cumtime']:.2f} | {share:.0%} |")
        lines.append("")
    return lines


@benchmark("counting_throughput", "Lexicon counting throughput (issue 2)", _render)
def counting_throughput(context: Context) -> dict:
    """framing ``count_terms`` MB/s against ``grep -F`` MB/s, peak memory, hot spots."""
    texts, terms = context.work_path("allsides_texts.txt"), context.work_path("terms.txt")
    log(f"writing grep inputs {texts.name} and {terms.name} from {context.corpus_file.name}")
    prepared, _ = run_worker(context, "prepare", "--data", str(context.corpus_file), "--lexicon", LEXICON,
                             "--texts", str(texts), "--terms", str(terms))
    has_grep = shutil.which("grep") is not None
    framing_results, framing_children, grep_runs = [], [], []
    for repeat in range(1, context.repeats + 1):  # alternate the sides, so a slow spell hits both
        log(f"run {repeat}/{context.repeats}: framing load + count_terms in a fresh process")
        result, child = run_worker(context, "count", "--data", str(context.corpus_file), "--lexicon", LEXICON)
        framing_results.append(result)
        framing_children.append(child)
        log(f"  framing: load {result['load_seconds']:.2f} s, count {result['count_seconds']:.2f} s, "
            f"peak RSS {child.max_rss_bytes / MB:,.0f} MB")
        if has_grep:
            grep_runs.append(_grep_once(context, str(terms), str(texts)))
            log(f"  grep: {grep_runs[-1].wall_seconds:.2f} s")
    framing = _summarize_framing(framing_results, framing_children)
    grep = _summarize_grep(grep_runs, _grep_matches(context)) if has_grep else None
    parallel_results, parallel_children = [], []
    for repeat in range(1, context.repeats + 1):
        log(f"run {repeat}/{context.repeats}: framing load + count_terms with n_jobs={PARALLEL_JOBS}, not pinned")
        result, child = run_worker(context, "count", "--data", str(context.corpus_file), "--lexicon", LEXICON,
                                   "--n-jobs", str(PARALLEL_JOBS), pin=False)
        parallel_results.append(result)
        parallel_children.append(child)
        log(f"  framing n_jobs={PARALLEL_JOBS}: count {result['count_seconds']:.2f} s")
    parallel = _summarize_framing(parallel_results, parallel_children)
    if parallel["matches_by_term"] != framing["matches_by_term"]:
        raise RuntimeError(f"count_terms with n_jobs={PARALLEL_JOBS} counted differently from n_jobs=1")

    profile_corpus = context.subset_file(min(PROFILE_ARTICLES, prepared["n_articles"]))
    log(f"profiling count_terms on {profile_corpus.name}")
    profile, _ = run_worker(context, "profile", "--data", str(profile_corpus), "--lexicon", LEXICON,
                            "--top", str(TOP_FUNCTIONS), "--pstats", str(context.work_path("count_terms.pstats")),
                            *[argument for name in FOCUS_FUNCTIONS for argument in ("--focus", name)])

    text_mb = framing["text_bytes"] / MB
    framing_mb_s = text_mb / framing["count_seconds"]["best"]
    grep_mb_s = text_mb / grep["seconds"]["best"] if grep else None
    ratio = framing_mb_s / grep_mb_s if grep else None
    parallel_mb_s = text_mb / parallel["count_seconds"]["best"]
    metrics = {
        "parallel_jobs": PARALLEL_JOBS,
        "parallel_mb_per_s": parallel_mb_s,
        "parallel_ratio": parallel_mb_s / grep_mb_s if grep else None,
        "framing_mb_per_s": framing_mb_s,
        "grep_mb_per_s": grep_mb_s,
        "ratio": ratio,
        "framing_articles_per_s": framing["n_articles"] / framing["count_seconds"]["best"],
        "grep_articles_per_s": framing["n_articles"] / grep["seconds"]["best"] if grep else None,
        "ratio_cpu_time": (grep["cpu_seconds"]["best"] / framing["count_cpu_seconds"]["best"]) if grep else None,
        "framing_peak_rss_mb": framing["peak_rss_bytes"] / MB,
        "framing_match_total": framing["match_total"],
        "grep_match_total": grep["match_total"] if grep else None,
    }
    result = {
        "lexicon": LEXICON,
        "corpus": str(context.corpus_file),
        "cpu": context.cpu,
        "n_terms": len(prepared["terms"]),
        "n_patterns": prepared["n_patterns"],
        "texts_file_bytes": prepared["texts_file_bytes"],
        "grep_command": "LC_ALL=C " + " ".join(_grep_argv("terms.txt", "allsides_texts.txt"))
                        + " > .work/grep_matches.txt",
        "metrics": metrics,
        "targets": [
            target("throughput ratio framing/grep (one core)", ratio, ">=", RATIO_TARGET),
            target("peak RSS of load + count", framing["peak_rss_bytes"] / MB, "<", MEMORY_TARGET_MB, "MB"),
        ],
        "framing": framing,
        "framing_parallel": parallel,
        "grep": grep,
        "term_comparison": _compare_terms(prepared["terms"], framing["matches_by_term"],
                                          grep["matches_by_pattern"]) if grep else None,
        "profile": profile,
    }
    return result

