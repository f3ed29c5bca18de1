"""Run the framing benchmarks and write RESULTS.md and results.json.

Usage::

    python benchmarks/run.py                # every benchmark on the full corpus (make bench)
    python benchmarks/run.py --quick        # smoke run on a 2,000-article subset
    python benchmarks/run.py --only counting_throughput
    python benchmarks/run.py --render-only  # rebuild RESULTS.md from results.json
    python benchmarks/run.py --only report_end_to_end --update   # measure one again, into the record

The corpus is not part of the repository (see ../shared/data/README.md). When
the default corpus is missing, the script says so and exits with status 0.

Only a full run of every benchmark writes the tracked ``benchmarks/RESULTS.md``
and ``benchmarks/results.json``; ``--quick`` and ``--only`` runs write theirs
to ``benchmarks/.work/`` so that a smoke run never replaces the record. With
``--update``, an ``--only`` run replaces just its benchmarks' entries in the
record; each entry keeps the command and date that measured it, and
``RESULTS.md`` says which entries came from a later run.

Adding a benchmark: write a module ``bench_<name>.py`` that registers a
``run(context) -> dict`` function with :func:`harness.benchmark` (see
``bench_counting.py``), and list it in :data:`BENCHMARK_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import REGISTRY, Context, log  # noqa: E402
from machine import describe_machine  # noqa: E402
from render import render_markdown  # noqa: E402

#: Modules that register benchmarks, in report order.
BENCHMARK_MODULES = ("bench_counting", "bench_report", "bench_scattertext", "bench_scaling")

REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "allsides" / "allsides_abp.jsonl.gz"
WORK = HERE / ".work"
QUICK_ARTICLES = 2000


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help=f"corpus (JSONL or JSONL.gz); default {os.path.relpath(DEFAULT_DATA, REPO)}, "
                             "relative to the repository")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run on the first {QUICK_ARTICLES:,} articles; results go to .work/")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this benchmark (repeatable); results go to .work/")
    parser.add_argument("--repeats", type=int, default=3, help="timed repetitions, best reported (default 3)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin timed child processes to one CPU")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--render-only", action="store_true", help="rebuild RESULTS.md from results.json")
    parser.add_argument("--update", action="store_true",
                        help="with --only: replace these benchmarks' entries in the tracked results.json and "
                             "RESULTS.md, keeping the others")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.update and (not args.only or args.quick):
        parser.error("--update needs --only and a full-size run (no --quick)")
    unknown = set(args.only or ()) - set(REGISTRY)
    if unknown:
        parser.error(f"unknown benchmark {sorted(unknown)[0]!r}; choose from: {', '.join(REGISTRY)}")
    return args


def _pinned_cpu(disabled: bool) -> int | None:
    """The CPU to pin timed children to: the highest one this process may use."""
    if disabled or not hasattr(os, "sched_getaffinity"):
        return None
    return max(os.sched_getaffinity(0))


def _output_paths(args) -> tuple[Path, Path]:
    """Tracked outputs for a full run; scratch outputs for a quick or partial run."""
    if args.quick or (args.only and not args.update):
        return WORK / "results.partial.json", WORK / "RESULTS.partial.md"
    return HERE / "results.json", HERE / "RESULTS.md"


def _updated_record(json_path: Path, new: dict) -> dict:
    """The tracked results with the benchmarks of ``new`` replaced, each marked with the run that measured it."""
    record = json.loads(json_path.read_text(encoding="utf-8"))
    for name, result in new["benchmarks"].items():
        record["benchmarks"][name] = {**result, "measured_by": {"command": new["command"],
                                                                "date": new["machine"]["date"],
                                                                "git_commit": new["machine"].get("git_commit"),
                                                                "load_average_at_start":
                                                                    new["machine"].get("load_average_at_start"),
                                                                "load_average_at_end":
                                                                    new["machine"]["load_average_at_end"]}}
    return record


def _write(results: dict, json_path: Path, markdown_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    markdown_path.write_text(render_markdown(results), encoding="utf-8")


def main(argv=None) -> int:
    """Run the selected benchmarks; return the exit status."""
    for module in BENCHMARK_MODULES:
        importlib.import_module(module)
    args = _parse_args(argv)
    if args.list:
        for benchmark in REGISTRY.values():
            print(f"{benchmark.name}: {benchmark.title}")
        return 0
    json_path, markdown_path = _output_paths(args)
    if args.render_only:
        results = json.loads(json_path.read_text(encoding="utf-8"))
        markdown_path.write_text(render_markdown(results), encoding="utf-8")
        print(f"wrote {markdown_path}")
        return 0

    data = (args.data if args.data.is_absolute() else Path.cwd() / args.data) if args.data else DEFAULT_DATA
    if not data.exists():
        if args.data is None:
            print(f"Benchmark data not found: {data}\n"
                  "The benchmarks need the shared corpus next to the repository (../shared/data), "
                  "which a clone does not include. Nothing was measured; pass --data PATH to use another "
                  "JSONL corpus.")
            return 0
        print(f"error: --data {args.data} does not exist", file=sys.stderr)
        return 2

    context = Context(repo=REPO, data=data.resolve(), work=WORK, quick=args.quick,
                      quick_articles=QUICK_ARTICLES, repeats=args.repeats, cpu=_pinned_cpu(args.no_pin))
    selected = [REGISTRY[name] for name in (args.only or REGISTRY)]
    command = shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    started = time.perf_counter()
    results = {"schema": 1, "command": command, "quick": args.quick, "quick_articles": QUICK_ARTICLES,
               "repeats": args.repeats, "data": str(data), "machine": describe_machine(REPO), "benchmarks": {}}
    failed = False
    for benchmark in selected:
        log(f"== {benchmark.name}: {benchmark.title}")
        try:
            results["benchmarks"][benchmark.name] = benchmark.run(context)
        except Exception as error:  # a broken benchmark is reported, and the others still run
            traceback.print_exc()
            results["benchmarks"][benchmark.name] = {"error": f"{type(error).__name__}: {error}"}
            failed = True
    results["elapsed_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    if args.update:
        results = _updated_record(json_path, results)
    _write(results, json_path, markdown_path)
    log(f"wrote {markdown_path.relative_to(REPO)} and {json_path.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
