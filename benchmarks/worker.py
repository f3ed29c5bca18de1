"""Child-process side of the benchmarks: each command runs in a fresh interpreter.

The harness (:mod:`harness`) starts ``python benchmarks/worker.py COMMAND ...``
so that every measurement starts from a clean process: no warm caches, and a
peak RSS that belongs to that measurement alone. Each command writes one JSON
object to ``--out``.

Commands
--------
prepare
    Load the corpus with framing and write the reference inputs for grep: the
    article texts, one per line, and the lexicon terms as fixed strings.
count
    Time ``framing.load_corpus`` and ``framing.count_terms`` separately
    (``--n-jobs`` worker processes for the counting).
stream
    Time ``framing.count_tables`` on ``framing.stream_corpus``: reading and
    counting together, one article at a time, as ``framing counts`` does.
profile
    Profile ``framing.count_terms`` with cProfile; report the top functions.
report
    Time ``framing.load_corpus`` and each stage of ``framing.report.write_report``,
    with the peak memory reached by the end of each stage.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import sysconfig
import time
from pathlib import Path

import framing
import framing.report
from framing.lexicon import SPACE_OR_HYPHEN, load_lexicon, parse_term

_RSS_SCALE = 1 if sys.platform == "darwin" else 1024  # ru_maxrss unit: bytes on macOS, KiB on Linux


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _RSS_SCALE


def _text_bytes(corpus) -> int:
    return sum(len(article.text.encode("utf-8")) for article in corpus)


def fixed_string(term_text: str) -> str:
    """A lexicon term as a grep fixed string: words joined by a space, no wildcard.

    Word separators that are "space or hyphen" in the lexicon syntax become a
    single space; literal separators (apostrophe, period, ampersand) are kept.

    >>> fixed_string("Hamas-run health ministry")
    'hamas run health ministry'
    >>> fixed_string("hostage*")
    'hostage'
    """
    words, separators = parse_term(term_text)
    pieces = [words[0]]
    for separator, word in zip(separators, words[1:]):
        pieces.append((" " if separator == SPACE_OR_HYPHEN else separator) + word)
    return "".join(pieces)


def prepare(args) -> dict:
    """Write the grep inputs; return corpus sizes and the term-to-pattern map."""
    corpus = framing.load_corpus(args.data)
    with open(args.texts, "w", encoding="utf-8", newline="\n") as out:
        for article in corpus:
            out.write(article.text.replace("\r", " ").replace("\n", " "))
            out.write("\n")
    terms = []
    patterns: list[str] = []
    for entry in load_lexicon(args.lexicon).entries():
        pattern = fixed_string(entry.term.text)
        terms.append({"term": entry.term.text, "pattern": pattern, "axis": entry.axis,
                      "wildcard": entry.term.wildcard, "case_sensitive": entry.term.case_sensitive,
                      "exclusions": len(entry.term.exclude)})
        if pattern not in patterns:
            patterns.append(pattern)
    Path(args.terms).write_text("\n".join(patterns) + "\n", encoding="utf-8")
    return {"n_articles": len(corpus), "text_bytes": _text_bytes(corpus),
            "text_chars": sum(len(article.text) for article in corpus),
            "texts_file_bytes": Path(args.texts).stat().st_size, "terms": terms, "n_patterns": len(patterns)}


def count(args) -> dict:
    """Time loading and counting separately; report matches and peak memory.

    Wall time (``perf_counter``) is the measurement; process CPU time
    (``process_time``) is recorded too, as a check when the machine is busy.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    corpus = framing.load_corpus(args.data)
    load_seconds, load_cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    rss_after_load = _peak_rss_bytes()
    start, cpu_start = time.perf_counter(), time.process_time()
    table = framing.count_terms(corpus, args.lexicon, n_jobs=args.n_jobs, progress=False)
    count_seconds, count_cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    rss_after_count = _peak_rss_bytes()
    per_term = table.groupby("term", sort=False)["count"].sum()
    return {
        "n_articles": len(corpus),
        "text_bytes": _text_bytes(corpus),
        "load_seconds": load_seconds,
        "count_seconds": count_seconds,
        "load_cpu_seconds": load_cpu_seconds,
        "count_cpu_seconds": count_cpu_seconds,
        "n_rows": len(table),
        "match_total": int(table["count"].sum()),
        "matches_by_term": {term: int(value) for term, value in per_term.items()},
        "peak_rss_after_load_bytes": rss_after_load,
        "peak_rss_bytes": rss_after_count,
    }


def stream(args) -> dict:
    """Count a stream by outlet; report the time, the sizes and the peak memory of this process."""
    start, cpu_start = time.perf_counter(), time.process_time()
    source = framing.stream_corpus(args.data)
    terms, poles = framing.count_tables(source, args.lexicon, by="outlet", n_jobs=args.n_jobs, progress=False)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu_start,
        "n_articles": int(poles.drop_duplicates("outlet")["n_articles"].sum()),
        "n_tokens": int(poles.drop_duplicates("outlet")["n_tokens"].sum()),
        "n_outlets": int(poles["outlet"].nunique()),
        "match_total": int(terms["count"].sum()),
        "load_report_rows": len(source.load_report),
        "peak_rss_bytes": _peak_rss_bytes(),
    }


def report_stages(args) -> dict:
    """Load the corpus, then run ``write_report`` as ``framing report`` does; time and measure every stage.

    ``write_report`` times its own stages (``ReportResult.timings``). To get
    CPU time and the peak RSS at the end of each stage as well, the worker
    wraps the report's private stopwatch, which is called once per stage.
    """
    stages: dict[str, dict] = {}
    last_cpu = time.process_time()
    lap = framing.report._Stopwatch.lap

    def lap_and_measure(stopwatch, stage):
        nonlocal last_cpu
        lap(stopwatch, stage)
        cpu = time.process_time()
        stages[stage] = {"cpu_seconds": cpu - last_cpu, "peak_rss_bytes": _peak_rss_bytes()}
        last_cpu = cpu

    framing.report._Stopwatch.lap = lap_and_measure
    start, cpu_start = time.perf_counter(), time.process_time()
    corpus = framing.load_corpus(args.data)
    load = {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu_start,
            "peak_rss_bytes": _peak_rss_bytes()}
    last_cpu = time.process_time()
    result = framing.report.write_report(corpus, args.report_dir, lexicon=args.lexicon, formats=args.formats)
    for stage, seconds in result.timings.items():
        stages[stage]["seconds"] = seconds
    return {
        "n_articles": len(corpus),
        "n_outlets": len(corpus.outlets),
        "text_bytes": _text_bytes(corpus),
        "stages": {"load": load, **stages},
        "total_seconds": time.perf_counter() - start,
        "notes": result.notes,
        "n_figures": len(result.figures),
        "table_rows": {name: len(table) for name, table in result.tables.items()},
    }


def _function_label(key: tuple, roots: list[tuple[str, str]]) -> str:
    """``path:line(function)`` with the path made short and readable."""
    filename, line, function = key
    if filename == "~":  # a built-in, e.g. "<method 'search' of 're.Pattern' objects>"
        return function
    for root, prefix in roots:
        if root and filename.startswith(root):
            filename = prefix + filename[len(root):].lstrip("/")
            break
    return f"{filename}:{line}({function})"


def profile(args) -> dict:
    """Profile one ``count_terms`` call in this process (``n_jobs=1``: cProfile does not see into worker
    processes); return the top functions both ways."""
    corpus = framing.load_corpus(args.data)
    profiler = cProfile.Profile()
    profiler.enable()
    framing.count_terms(corpus, args.lexicon, n_jobs=1, progress=False)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.pstats:
        stats.dump_stats(args.pstats)
    repo = str(Path(framing.__file__).resolve().parent.parent)
    roots = [(sysconfig.get_paths()["purelib"], ""), (repo, ""), (sysconfig.get_paths()["stdlib"], "")]
    rows = []
    for key, (primitive_calls, calls, tottime, cumtime, _) in stats.stats.items():
        rows.append({"function": _function_label(key, roots),
                     "ncalls": calls if calls == primitive_calls else f"{calls}/{primitive_calls}",
                     "tottime": tottime, "cumtime": cumtime})
    top = {order: sorted(rows, key=lambda row: row[order], reverse=True)[:args.top]
           for order in ("tottime", "cumtime")}
    return {"n_articles": len(corpus), "text_bytes": _text_bytes(corpus),
            "total_seconds": stats.total_tt, "top": top, "callers": _callers(stats, args.focus or [], roots)}


def _callers(stats: pstats.Stats, functions: list[str], roots) -> list[dict]:
    """Cumulative time of each focus function of the framing package, split by caller."""
    found = []
    for key, (_, calls, _, cumtime, callers) in stats.stats.items():
        filename, _, function = key
        if function not in functions or "framing" not in Path(filename).parts:
            continue
        by_caller = [{"caller": _function_label(caller, roots), "ncalls": caller_stats[1],
                      "cumtime": caller_stats[3]} for caller, caller_stats in callers.items()]
        found.append({"function": _function_label(key, roots), "ncalls": calls, "cumtime": cumtime,
                      "callers": sorted(by_caller, key=lambda row: row["cumtime"], reverse=True)})
    return sorted(found, key=lambda row: row["cumtime"], reverse=True)


def main(argv=None) -> int:
    """Parse the command line, run one command, write its JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function in (("prepare", prepare), ("count", count), ("stream", stream), ("profile", profile),
                           ("report", report_stages)):
        command = commands.add_parser(name, help=function.__doc__.splitlines()[0])
        command.set_defaults(function=function)
        command.add_argument("--data", required=True, help="corpus file or folder for framing.load_corpus")
        command.add_argument("--lexicon", default="israel_gaza")
        command.add_argument("--out", required=True, help="JSON result file")
        if name in ("count", "stream"):
            command.add_argument("--n-jobs", type=int, default=1, help="worker processes (default: 1)")
        if name == "prepare":
            command.add_argument("--texts", required=True, help="output: one article text per line")
            command.add_argument("--terms", required=True, help="output: one grep fixed string per line")
        if name == "report":
            command.add_argument("--report-dir", required=True, help="output folder of the report")
            command.add_argument("--formats", default="png", help="figure formats (default: png)")
        if name == "profile":
            command.add_argument("--top", type=int, default=10)
            command.add_argument("--pstats", help="also save the raw profile here")
            command.add_argument("--focus", action="append", metavar="FUNCTION",
                                 help="split this framing function's time by caller (repeatable)")
    args = parser.parse_args(argv)
    result = args.function(args)
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
