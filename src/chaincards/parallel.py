"""Parsing many notes at once: cached notes are skipped, the rest are parsed across processes.

Results come back in the order of the input, so a parallel build gives the same bytes as a
serial one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar, cast

from chaincards.document import ParseResult, SourceNote
from chaincards.parse.cache import ParseCache, RecordingResolver, cache_entry
from chaincards.parse.note import parse_note
from chaincards.source.vault import VaultIndex

# Below this many notes to parse, starting worker processes costs more than it saves.
MIN_PARALLEL_NOTES = 64
_worker_index: VaultIndex | None = None
_worker_caching = False
_T = TypeVar("_T")
_R = TypeVar("_R")
_forked_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _start_worker(index: VaultIndex, caching: bool) -> None:
    global _worker_index, _worker_caching
    _worker_index, _worker_caching = index, caching


Parsed = tuple[ParseResult, bytes | None]  # the result, and its cache entry when caching


def _parse_recorded(source: SourceNote, index: VaultIndex, caching: bool) -> Parsed:
    # The cache entry is encoded here, so in the workers, in parallel, not in the parent.
    resolver = RecordingResolver(index.resolve)
    result = parse_note(source, resolver)
    return result, cache_entry(resolver.asked, result) if caching else None


def _parse_in_worker(source: SourceNote) -> Parsed:
    assert _worker_index is not None
    return _parse_recorded(source, _worker_index, _worker_caching)


def _collect(
    todo: list[int],
    parsed: Iterable[Parsed],
    results: list[ParseResult | None],
    sources: Sequence[SourceNote],
    cache: ParseCache | None,
    tick: Callable[[int], None],
) -> None:
    for position, (result, entry) in zip(todo, parsed, strict=True):
        results[position] = result
        if cache is not None:
            cache.put_entry(sources[position], entry)
        tick(1)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parse_notes(
    sources: Sequence[SourceNote],
    index: VaultIndex,
    cache: ParseCache | None,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[ParseResult]:
    """Parse results in input order; `progress(n)` is called as each batch of n notes is done."""
    tick = progress or (lambda done: None)
    results: list[ParseResult | None] = [None] * len(sources)
    todo: list[int] = []
    for position, source in enumerate(sources):
        cached = cache.get(source, index.resolve) if cache else None
        if cached is None:
            todo.append(position)
        else:
            results[position] = cached
    tick(len(sources) - len(todo))
    if jobs > 1 and len(todo) >= MIN_PARALLEL_NOTES:
        caching = cache is not None
        with ProcessPoolExecutor(
            jobs, initializer=_start_worker, initargs=(index, caching)
        ) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            parsed = pool.map(_parse_in_worker, [sources[i] for i in todo], chunksize=chunk)
            _collect(todo, parsed, results, sources, cache, tick)
    else:
        parsed = (_parse_recorded(sources[i], index, cache is not None) for i in todo)
        _collect(todo, parsed, results, sources, cache, tick)
    return [result for result in results if result is not None]


def _run_forked(position: int) -> object:
    assert _forked_work is not None
    work, items = _forked_work
    return work(items[position])


def run_each(
    work: Callable[[_T], _R],
    items: Sequence[_T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[_R]:
    """`[work(item) for item in items]`, in forked processes when there are cores and items.

    Forked workers inherit `items` instead of receiving a pickled copy: the packages' cards are
    most of a build's memory, and pickling them would cost about as much as writing them.
    Without `fork` (Windows), or with one job, the items are worked through in this process.
    """
    global _forked_work
    tick = progress or (lambda done: None)
    if jobs < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for item in items:
            results.append(work(item))
            tick(1)
        return results
    _forked_work = (work, items)
    gc.freeze()  # keeps the collector from touching, and so copying, every inherited page
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(items))) as pool:
            forked: list[_R] = []
            for result in pool.imap(_run_forked, range(len(items))):
                forked.append(cast(_R, result))
                tick(1)
            return forked
    finally:
        gc.unfreeze()
        _forked_work = None
