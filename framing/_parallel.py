"""Shared machinery: per-document work in chunks, in this process, in worker processes or on Dask.

Every stage that treats one document at a time (counting, voice segmentation,
harm reports, casualty figures) sends its documents through
:func:`map_chunks`. Chunks come back in their original order, so a result
never depends on ``n_jobs`` or on the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from tqdm.auto import tqdm

from framing.exceptions import FramingError

__all__ = ["CHUNK_SIZE", "ENGINES", "PARALLEL_FROM", "map_chunks", "resolve_n_jobs"]

#: Articles per unit of work sent to a worker process.
CHUNK_SIZE = 500
#: Below this many articles, ``n_jobs=None`` counts in the calling process (starting workers costs more).
PARALLEL_FROM = 2000


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


def _map_chunks(work: Callable, chunks: list, n_workers: int, engine: str, scheduler: str | None) -> Iterator:
    """``work`` over ``chunks``, results in chunk order: in this process, a process pool, or on Dask.

    With ``engine="dask"`` the chunks become a Dask bag, computed on the
    cluster at ``scheduler`` (a ``tcp://host:port`` address) or, without one,
    on a new ``dask.distributed.LocalCluster`` of ``n_workers`` processes.
    """
    if engine == "dask":
        try:
            import dask.bag
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise FramingError("engine='dask' needs Dask: pip install 'framing[dask]' (or use engine='local')") \
                from None
        cluster = None if scheduler else LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                                      dashboard_address=None)
        client = Client(scheduler or cluster)
        try:
            bag = dask.bag.from_sequence(chunks, npartitions=max(len(chunks), 1)).map(work)
            yield from bag.compute(scheduler=client.get)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    if n_workers == 1 or len(chunks) < 2:
        yield from map(work, chunks)
        return
    with ProcessPoolExecutor(max_workers=min(n_workers, len(chunks))) as executor:
        yield from executor.map(work, chunks)


def map_chunks(work: Callable, items: Sequence, *, n_jobs=None, engine: str = "local", scheduler: str | None = None,
               progress: bool | None = None, description: str = "") -> Iterator[tuple[list, object]]:
    """Yield ``(chunk, work(chunk))`` for the chunks of :data:`CHUNK_SIZE` items, in order.

    Parameters
    ----------
    work : callable
        A module-level function (it is pickled for worker processes).
    items : sequence
    n_jobs : int, optional
        See :func:`resolve_n_jobs`; with ``engine="dask"`` and no ``n_jobs``,
        one Dask worker per core.
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
    n_workers = resolve_n_jobs(n_jobs if n_jobs is not None or engine == "local" else -1, len(items))
    chunks = [list(items[start:start + CHUNK_SIZE]) for start in range(0, len(items), CHUNK_SIZE)]
    with tqdm(total=len(items), unit="doc", desc=description, disable=True if progress is False else None,
              leave=False) as bar:
        for chunk, result in zip(chunks, _map_chunks(work, chunks, n_workers, engine, scheduler)):
            bar.update(len(chunk))
            yield chunk, result
