"""Memory (private): give what a stage let go back to the system before the next one peaks."""

from __future__ import annotations

import ctypes
import gc

__all__ = ["release_memory"]


def release_memory(*, collect: bool = True) -> None:
    """Collect cycles (unless ``collect`` is False), then, with glibc, trim the heap.

    Cycles (a drawn figure and its pixel buffer, for one) wait for the
    collector, and with glibc freed memory stays with the process, in holes
    between live objects, until the heap is trimmed. Large numpy arrays get
    memory of their own, not those holes: on AllSides, 300 to 500 MB freed by
    one stage of the report would otherwise stay under the next one's peak.
    Elsewhere (no ``malloc_trim``) only the collection runs. A collection
    costs time in proportion to every live object (0.1 to 0.2 s in a
    notebook that holds a corpus): skip it when what was let go holds no
    cycles.
    """
    if collect:
        gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError, TypeError):  # not glibc
        pass
