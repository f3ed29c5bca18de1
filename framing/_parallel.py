"""Shared machinery: per-document work in chunks, in this process, in worker processes or on Dask.

Every stage that treats one document at a time (counting, voice segmentation,
harm reports, casualty figures) sends its documents through
:func:`map_chunks`. Chunks come back in their original order, so a result
never depends on ``n_jobs`` or on the engine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
from tqdm.auto import tqdm

from framing.exceptions import FramingError

__all__ = ["CHUNK_SIZE", "ENGINES", "PARALLEL_FROM", "in_child", "map_chunks", "meanwhile", "resolve_n_jobs"]

#: Articles per unit of work sent to a worker process.
CHUNK_SIZE = 500
#: Below this many articles, ``n_jobs=None`` counts in the calling process (starting workers costs more).
PARALLEL_FROM = 2000
#: Chunks per worker in one window of work; a window runs while the one before it is handed on, so at most
#: ``2 * IN_FLIGHT * n_workers`` chunks of a stream are held at a time.
IN_FLIGHT = 2


def resolve_n_jobs(n_jobs, n_articles: int) -> int:
    """The number of worker processes for ``n_jobs`` (None: 1 for small corpora, else every core; -1: every core).

    Raises
    ------
    FramingError
        If ``n_jobs`` is not None, -1 or a positive integer.
    """
    if n_jobs is None:
        return 1 if n_articles < PARALLEL_FROM else max(os.cpu_count() or 1, 1)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or not (n_jobs >= 1 or n_jobs == -1):
        raise FramingError(f"n_jobs must be a positive integer, -1 (every core) or None (automatic), got {n_jobs!r}")
    return max(os.cpu_count() or 1, 1) if n_jobs == -1 else int(n_jobs)


ENGINES = ("local", "dask")


@contextlib.contextmanager
def meanwhile(function: Callable, *args, n_jobs=None, n_items: int, **kwargs) -> Iterator[Callable[[], object]]:
    """Start ``function(*args, n_jobs=n_jobs, **kwargs)``, whose work goes to worker processes, and yield a
    function that waits for its result.

    The call runs in a thread of this process, from which its workers are
    forked: they compute while this process goes on with serial work, which
    would otherwise leave a core idle. When ``n_jobs`` resolves to one
    worker for ``n_items`` items (see :func:`resolve_n_jobs`), there are no
    workers to overlap with: the call runs when its result is asked for.
    Leaving the block waits for the call to end.
    """
    if resolve_n_jobs(n_jobs, n_items) == 1:
        yield lambda: function(*args, n_jobs=n_jobs, **kwargs)
        return
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield executor.submit(function, *args, n_jobs=n_jobs, **kwargs).result


def _map_chunks(work: Callable, chunks: Iterator[list], n_workers: int, engine: str,
                scheduler: str | None, items: list | None = None) -> Iterator[tuple[list, object]]:
    """``(chunk, work(chunk))`` for each chunk, in order: in this process, a process pool, or on Dask.

    Chunks are read a window of :data:`IN_FLIGHT` per worker at a time (see
    :func:`_windows`), so a stream of chunks is never held whole. With ``engine="dask"`` each window of chunks
    becomes a Dask bag, computed on the cluster at ``scheduler`` (a
    ``tcp://host:port`` address) or, without one, on a new
    ``dask.distributed.LocalCluster`` of ``n_workers`` processes. When the chunks are those of a list
    (``items``) and worker processes are forked, the workers read them from the list they inherit
    (:func:`_map_inherited`) rather than receiving a copy.
    """
    if engine == "dask":
        yield from _dask_map(work, chunks, n_workers, scheduler)
        return
    if n_workers == 1:
        yield from ((chunk, work(chunk)) for chunk in chunks)
        return
    if items is not None and _start_method() == "fork":
        yield from _map_inherited(work, items, n_workers)
        return
    yield from _pooled(functools.partial(_run_unpacked, work), chunks, lambda chunk: (_packed(chunk),), n_workers)


def _pooled(call: Callable, units: Iterator, arguments: Callable, n_workers: int) -> Iterator[tuple[object, object]]:
    """``(unit, call(*arguments(unit)))`` for each unit, in order, in a pool of ``n_workers`` processes, a
    window of units at a time (see :func:`_windows`)."""
    with ProcessPoolExecutor(max_workers=n_workers) as executor:
        yield from _windows(lambda window: [executor.submit(call, *arguments(unit)) for unit in window],
                            lambda futures: [future.result() for future in futures], units, n_workers)


def _start_method() -> str:
    """How worker processes start: the method set in this process, else the platform's default (the first of
    ``get_all_start_methods``). Asked this way, the method is not fixed as a side effect."""
    return multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]


#: Lists of items that forked workers read by position (see :func:`_map_inherited`), by a number per call.
_inherited: dict[int, list] = {}
_call_numbers = itertools.count()


def _map_inherited(work: Callable, items: list, n_workers: int) -> Iterator[tuple[list, object]]:
    """:func:`_map_chunks` of the chunks of a list, in forked workers that read the list they inherit.

    The pool forks its workers after the list is registered in :data:`_inherited`, so each worker holds
    it already (its pages shared with this process until written) and is sent only the bounds of its
    chunks: no article is pickled on its way out, which cost about a sixth of a second per 40 MB of text.
    """
    number = next(_call_numbers)
    _inherited[number] = items
    try:
        bounds = ((start, min(start + CHUNK_SIZE, len(items))) for start in range(0, len(items), CHUNK_SIZE))
        for (start, stop), result in _pooled(functools.partial(_run_inherited, work, number), bounds,
                                             lambda bound: bound, n_workers):
            yield items[start:stop], result
    finally:
        del _inherited[number]


@contextlib.contextmanager
def in_child(function: Callable, *args) -> Iterator[Callable[[], object]]:
    """Start ``function(*args)`` in a forked process and yield a function that waits for its result.

    For serial work with a small result, such as writing files: the child
    inherits the arguments (nothing is pickled but the result or the error)
    and runs while this process goes on. Where
    processes are not forked, the call runs here, at once. Leaving the block
    waits for the child.
    """
    if _start_method() != "fork":
        result = function(*args)
        yield lambda: result
        return
    number = next(_call_numbers)
    _inherited[number] = (function, args)
    try:
        with ProcessPoolExecutor(max_workers=1) as executor:
            yield executor.submit(_run_registered, number).result
    finally:
        del _inherited[number]


def _run_registered(number: int):
    """The call registered by :func:`in_child`; runs in the child."""
    function, args = _inherited[number]
    return function(*args)


def _run_inherited(work: Callable, number: int, start: int, stop: int):
    """``work`` of the chunk ``start:stop`` of a list registered by :func:`_map_inherited`; runs in a worker."""
    return work(_inherited[number][start:stop])


class _Utf8(bytes):
    """A text on its way to a worker, as UTF-8 (see :func:`_packed`)."""


def _packed(chunk: list) -> list:
    """The chunk with every non-ASCII text (in a tuple or a dataclass such as Article too) as :class:`_Utf8`.

    Pickling a non-ASCII ``str`` makes CPython keep its UTF-8 form on the
    string for as long as the string lives: a corpus sent to the workers
    would grow by about half in this process (some 200 MB for AllSides).
    Encoded here, the UTF-8 copy goes away with the chunk.
    """
    return [_pack(item) for item in chunk]


def _pack(item):
    if type(item) is str:
        return item if item.isascii() else _Utf8(item.encode("utf-8", "surrogatepass"))
    if type(item) is tuple:
        return tuple(map(_pack, item))
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        fields = dataclasses.fields(item)
        if all(field.init for field in fields):
            return _PackedDataclass(type(item), tuple(_pack(getattr(item, field.name)) for field in fields))
    return item


@dataclasses.dataclass(frozen=True)
class _PackedDataclass:
    cls: type
    values: tuple


def _unpack(item):
    if type(item) is _Utf8:
        return item.decode("utf-8", "surrogatepass")
    if type(item) is tuple:
        return tuple(map(_unpack, item))
    if type(item) is _PackedDataclass:
        return item.cls(*map(_unpack, item.values))
    return item


def _run_unpacked(work: Callable, chunk: list):
    """``work`` of a :func:`_packed` chunk; runs in a worker."""
    return work([_unpack(item) for item in chunk])


def _dask_map(work: Callable, chunks: Iterator[list], n_workers: int,
              scheduler: str | None) -> Iterator[tuple[list, object]]:
    try:
        import dask.bag
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise FramingError("engine='dask' needs Dask: pip install 'framing[dask]' (or use engine='local')") from None
    cluster = None if scheduler else LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        def start(window):
            packed = [_packed(chunk) for chunk in window]
            return client.compute(dask.bag.from_sequence(packed, npartitions=len(window)).map(
                functools.partial(_run_unpacked, work)))

        yield from _windows(start, lambda future: future.result(), chunks, n_workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _windows(start: Callable, finish: Callable, chunks: Iterator[list],
             n_workers: int) -> Iterator[tuple[list, object]]:
    """``(chunk, result)`` pairs, ``finish(start(window))`` giving the results of each window of
    ``IN_FLIGHT * n_workers`` chunks.

    The next window is started before the results of the current one are
    handed on, so workers stay busy while the caller adds results up.
    """
    size = IN_FLIGHT * n_workers
    window = list(itertools.islice(chunks, size))
    running = start(window) if window else None
    while window:
        following = list(itertools.islice(chunks, size))
        following_running = start(following) if following else None
        yield from zip(window, finish(running))
        window, running = following, following_running


def _chunked(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def map_chunks(work: Callable, items: Iterable, *, n_jobs=None, engine: str = "local", scheduler: str | None = None,
               progress: bool | None = None, description: str = "") -> Iterator[tuple[list, object]]:
    """Yield ``(chunk, work(chunk))`` for the chunks of :data:`CHUNK_SIZE` items, in order.

    Parameters
    ----------
    work : callable
        A module-level function (it is pickled for worker processes).
    items : iterable
        A sequence, or an iterator read as the work goes (a stream of
        articles is never held whole: see :func:`_map_chunks`).
    n_jobs : int, optional
        See :func:`resolve_n_jobs`; an iterator counts as large once it
        yields :data:`PARALLEL_FROM` items. With ``engine="dask"`` and no
        ``n_jobs``, one Dask worker per core.
    engine : {"local", "dask"}, default="local"
    scheduler : str, optional
        A running Dask scheduler's address (``engine="dask"`` only).
    progress : bool, optional
        A tqdm bar on interactive output (None), never (False) or always (True).
    description : str, default=""
        The bar's label.

    Raises
    ------
    FramingError
        For an unknown engine, a scheduler without Dask, or a bad ``n_jobs``.
    """
    if engine not in ENGINES:
        raise FramingError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if scheduler is not None and engine != "dask":
        raise FramingError(f"scheduler={scheduler!r} needs engine='dask'; pass engine='dask' or drop the scheduler")
    total = len(items) if isinstance(items, Sized) else None
    iterator = iter(items)
    head = list(itertools.islice(iterator, PARALLEL_FROM)) if total is None else []
    size = total if total is not None else len(head) + (1 if len(head) == PARALLEL_FROM else 0)
    n_workers = resolve_n_jobs(n_jobs if n_jobs is not None or engine == "local" else -1, size)
    if engine == "local" and size <= CHUNK_SIZE:
        n_workers = 1  # a single chunk: starting a pool would only cost time
    chunks = _chunked(itertools.chain(head, iterator), CHUNK_SIZE)
    with tqdm(total=total, unit="doc", desc=description, disable=True if progress is False else None,
              leave=False) as bar:
        for chunk, result in _map_chunks(work, chunks, n_workers, engine, scheduler,
                                         items if type(items) is list else None):
            bar.update(len(chunk))
            yield chunk, result
