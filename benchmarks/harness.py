"""Benchmark harness: the registry, the run context, child processes, targets.

A benchmark is a function ``run(context) -> dict`` registered with
:func:`benchmark`, plus a function ``render(result) -> list[str]`` that turns
its result into Markdown lines for ``RESULTS.md``. The result must be
JSON-serialisable; it is stored under ``benchmarks.<name>`` in
``results.json``. A result may carry a ``targets`` list built with
:func:`target`; the report collects them in its summary table.

Benchmarks are measurements, not tests: a missed target is recorded
(``"met": false``), never raised.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Benchmark", "ChildRun", "Context", "MB", "REGISTRY", "benchmark", "log", "run_child", "run_worker",
           "summarize_runs", "target"]

#: Bytes per megabyte in every MB and MB/s of the report (decimal, like ``dd``).
MB = 1_000_000

_STARTED = time.perf_counter()


def log(message: str) -> None:
    """Progress line on standard error, with the seconds since the harness started."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Benchmark:
    """One registered benchmark.

    Attributes
    ----------
    name : str
        Key in ``results.json`` and value of ``--only``.
    title : str
        Section heading in ``RESULTS.md``.
    run : callable
        ``run(context) -> dict``, the measurement.
    render : callable
        ``render(result) -> list[str]``, Markdown lines of its section.
    """

    name: str
    title: str
    run: Callable[[Context], dict]
    render: Callable[[dict], list[str]]


#: Registered benchmarks, in registration (and report) order.
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, title: str, render: Callable[[dict], list[str]]):
    """Decorator registering ``run(context) -> dict`` as benchmark ``name``."""
    def register(run: Callable[[Context], dict]) -> Callable[[Context], dict]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = Benchmark(name, title, run, render)
        return run
    return register


def target(name: str, value: float | None, op: str, threshold: float, unit: str = "") -> dict:
    """A target and whether the measured value meets it.

    Parameters
    ----------
    name : str
        What is measured, e.g. ``"throughput ratio framing/grep"``.
    value : float or None
        The measurement; None when it could not be taken (``met`` is then None).
    op : {">=", "<=", ">", "<"}
    threshold : float
    unit : str, default=""
    """
    compare = {">=": float.__ge__, "<=": float.__le__, ">": float.__gt__, "<": float.__lt__}[op]
    met = None if value is None else bool(compare(float(value), float(threshold)))
    return {"name": name, "value": value, "op": op, "threshold": threshold, "unit": unit, "met": met}


def summarize_runs(values: Sequence[float]) -> dict:
    """Best (minimum), median and every value of repeated timings, in seconds."""
    values = [float(v) for v in values]
    return {"best": min(values), "median": statistics.median(values), "runs": values}


@dataclass
class Context:
    """What every benchmark gets: paths, mode and shared prepared inputs.

    Attributes
    ----------
    repo : Path
        The repository root.
    data : Path
        The full corpus file (JSONL or JSONL.gz).
    work : Path
        Scratch directory (gitignored); created on demand.
    quick : bool
        Smoke-run mode: benchmarks use :attr:`quick_articles` articles.
    quick_articles : int
    repeats : int
        Timed repetitions; benchmarks report the best and the median.
    cpu : int or None
        CPU that timed child processes are pinned to (None: not pinned).
    """

    repo: Path
    data: Path
    work: Path
    quick: bool = False
    quick_articles: int = 2000
    repeats: int = 3
    cpu: int | None = None
    _subsets: dict[int, Path] = field(default_factory=dict, repr=False)

    @property
    def corpus_file(self) -> Path:
        """The corpus the benchmarks measure: the full file, or the quick subset."""
        return self.subset_file(self.quick_articles) if self.quick else self.data

    @property
    def python(self) -> str:
        """The interpreter that runs child processes (the one running the harness)."""
        return sys.executable

    def work_path(self, name: str) -> Path:
        """A path in the scratch directory, which is created if needed."""
        self.work.mkdir(parents=True, exist_ok=True)
        return self.work / name

    def subset_file(self, n_articles: int) -> Path:
        """A JSONL file with the first ``n_articles`` records of :attr:`data`.

        Written once per run into the scratch directory; the records are
        copied byte for byte, so the loader sees exactly what it would see in
        the full file.
        """
        if n_articles not in self._subsets:
            path = self.work_path(f"subset_{n_articles}.jsonl")
            opener = gzip.open if self.data.name.endswith(".gz") else open
            with opener(self.data, "rb") as source, open(path, "wb") as out:
                for number, line in enumerate(source):
                    if number >= n_articles:
                        break
                    out.write(line)
            self._subsets[n_articles] = path
        return self._subsets[n_articles]


@dataclass(frozen=True)
class ChildRun:
    """Resource use of one finished child process.

    Attributes
    ----------
    returncode : int
    wall_seconds : float
        From just before the fork to the reaping of the child.
    user_seconds, system_seconds : float
        CPU time of the child, from its own rusage.
    max_rss_bytes : int
        Peak resident set size of the child (``ru_maxrss``).
    """

    returncode: int
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    max_rss_bytes: int


def run_child(argv: Sequence[str], *, cpu: int | None = None, stdout=None, env: dict | None = None,
              cwd: Path | None = None) -> ChildRun:
    """Run a command and return its own resource use.

    The child is reaped with :func:`os.wait4`, which returns the rusage of
    that child alone: ``ru_maxrss`` is its peak RSS, not the maximum over
    every child this process ever had (as ``RUSAGE_CHILDREN`` would be).

    Parameters
    ----------
    argv : sequence of str
    cpu : int, optional
        Pin the child to this CPU (Linux ``sched_setaffinity``).
    stdout : file object, optional
        Where the child's standard output goes; inherited by default.
    env : dict, optional
        Extra environment variables.
    cwd : Path, optional
    """
    environment = {**os.environ, **(env or {})}
    pin = None if cpu is None else functools.partial(os.sched_setaffinity, 0, {cpu})
    start = time.perf_counter()
    process = subprocess.Popen(list(argv), stdout=stdout, env=environment, cwd=cwd, preexec_fn=pin)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return ChildRun(process.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss * scale)


def run_worker(context: Context, command: str, *args: str, pin: bool = True) -> tuple[dict, ChildRun]:
    """Run ``worker.py COMMAND ARGS`` in a fresh interpreter; return its JSON result and rusage.

    The worker writes its result to a scratch JSON file. Math libraries are
    limited to one thread; with ``pin`` (the default) the child is pinned to
    :attr:`Context.cpu`, so that the measurement is a one-core measurement.
    Pass ``pin=False`` to let worker processes use every core.
    """
    out = context.work_path(f"worker_{command}.json")
    out.unlink(missing_ok=True)
    argv = [context.python, str(Path(__file__).with_name("worker.py")), command, *args, "--out", str(out)]
    one_thread = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    child = run_child(argv, cpu=context.cpu if pin else None, env=one_thread, cwd=context.repo)
    if child.returncode != 0 or not out.exists():
        raise RuntimeError(f"worker {command!r} failed with exit code {child.returncode}: {' '.join(argv)}")
    return json.loads(out.read_text(encoding="utf-8")), child
