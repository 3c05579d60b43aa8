"""The main job: ingest files, extract every new non-duplicate article, store the results."""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain, islice

from .cases import refresh_queued
from .codebook import load_codebook
from .extract import ArticleExtraction, extract_article, is_long, needs_analysis
from .records import Article
from .nlp import analyse_many
from .store import Store
from .store.extraction import save_batch
from .store.models import ArticleRow
from .timing import Stopwatch, stage


BATCH = 64  # articles read, analysed (nlp.pipe per language) and stored together
# Fewer pending articles than this are analysed in this process: a worker process loads its own models, which
# costs more than it saves on a small job.
PARALLEL_FROM = 4 * BATCH


# Case rows of the persons the stored batches touched are recomputed at most this often while a job runs (and
# at its end): small batches (one worker process each) would otherwise recompute the same persons batch after batch.
SUMMARIES_EVERY = 2.0  # seconds


def workers_for(pending: int, workers: int | None = None) -> int:
    """Worker processes for the models: `workers` when given (1 = this process only), else one per core of the
    machine when the job is big enough to repay loading the models in each."""
    if workers is not None:
        return max(1, workers)
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if pending >= PARALLEL_FROM and cores > 1 else 1


def _extract_batch(batch: list[tuple[int, Article]], clock: Stopwatch | None = None) -> list[tuple[int, ArticleExtraction]]:
    """Analyse and extract one batch of articles: no I/O, so it runs the same in this process or on a
    Dask worker (where the pipelines stay loaded between tasks: they are cached per process)."""
    codebook = load_codebook()
    analyses = {}
    for language in {a.language or "en" for _, a in batch}:
        group = [(i, a) for i, a in batch if (a.language or "en") == language and needs_analysis(a.text, codebook)
                 and not is_long(a.text)]  # a long article is analysed part by part by extract_article
        with stage(clock, "NLP"):
            results = analyse_many([a.text for _, a in group], language, clock=clock)
        for (i, _), result in zip(group, results):
            analyses[i] = result
    with stage(clock, "extraction"):
        return [(article_id, extract_article(article, codebook, analyses.get(article_id))) for article_id, article in batch]


def _batches(store: Store, article_ids: Iterable[int], clock: Stopwatch | None = None, size: int | None = None):
    """Batches of (id, article) read from the store a batch at a time (one query each), so memory stays flat."""
    ids = iter(article_ids)
    while True:
        chunk = list(islice(ids, size or BATCH))  # outside the stage: the ids may come from an ingest under way
        if not chunk:
            return
        with stage(clock, "read articles back"):
            batch = [(a.id, a) for a in store.articles_to_extract(chunk)]
        if batch:
            yield batch


def extract_stored(store: Store, article_ids: Iterable[int], progress: Callable[[str], None] | None = None,
                   scheduler: str | None = None, clock: Stopwatch | None = None, workers: int = 1,
                   pool=None, pending: int | None = None) -> Counter:
    """Extract the given stored articles (duplicates are skipped: their first occurrence speaks for them).
    Articles go through the NLP pipelines in batches per language; each article's result is committed on
    its own, so an interruption keeps what was done. Returns how many articles each (language, pipeline)
    pair handled, so fallbacks are visible.
    With `scheduler` (a Dask scheduler address, or "local" for a LocalCluster of worker processes) the
    analysis and extraction of the batches run on the cluster; linking persons and storing stay here, in
    article order, so the store is the same as a single-process run's. `clock` times the stages (on a
    cluster, NLP and extraction run remotely and are timed together as one stage). With `workers` > 1 the
    models run in that many worker processes of this machine, the same way, while this process links and
    stores: every core is busy and the store is the same as with one. A caller that runs many jobs may pass a
    `pool` of its own (see `worker_pool`), whose workers keep their models loaded between jobs; with `pending`
    articles known, batches are cut small enough that every worker gets some."""
    done: Counter = Counter()
    if scheduler:
        results = _on_dask(_batches(store, article_ids, clock), scheduler, clock)
    elif workers > 1 or pool is not None:
        workers = pool._max_workers if pool is not None else workers
        size = min(BATCH, max(2, -(-pending // (8 * workers)))) if pending else None
        results = _on_processes(_batches(store, article_ids, clock, size), workers, clock, pool)
    else:
        results = (_extract_batch(batch, clock) for batch in _batches(store, article_ids, clock))
    with stage(clock, "case summaries"):
        refresh_queued(store)  # persons an interrupted run left queued
    refreshed = time.monotonic()
    for batch_results in results:
        with stage(clock, "resolution + store"):
            with store.session.begin() as s:  # one transaction per batch: a kill loses at most the batch
                save_batch(s, batch_results)
        for article_id, result in batch_results:
            if progress:
                progress(str(article_id))
            done[(result.article.language or "unknown", result.pipeline)] += 1
        if time.monotonic() - refreshed >= SUMMARIES_EVERY:
            with stage(clock, "case summaries"):  # a person in many articles is recomputed once per round
                refresh_queued(store)
            refreshed = time.monotonic()
    with stage(clock, "case summaries"):
        refresh_queued(store)
    return done


def ingest_and_extract(paths, store: Store, report, max_bytes: int, progress_files: Callable[[str], None] | None = None,
                       progress: Callable[[str], None] | None = None, scheduler: str | None = None,
                       clock: Stopwatch | None = None, workers: int = 1, pool=None, pending: int | None = None) -> Counter:
    """`ingest` and `extract_stored` overlapped, for worker processes or a cluster: the models start on the first
    batch of new articles while this process still reads, splits and stores the later files (which it would
    otherwise do with the workers idle). Articles an interrupted run left unextracted go first. The store is
    the same as with `ingest` then `extract_stored`: articles get their ids in the same order, and
    are linked and stored in that order."""
    from itertools import takewhile

    from sqlalchemy import func, select

    from .ingest import ingest_iter

    with store.session() as s:
        upto = s.scalar(select(func.max(ArticleRow.id))) or 0
    earlier = takewhile(lambda i: i <= upto, store.article_ids(pending=True))
    new = ingest_iter(paths, store, report, max_bytes, progress_files, clock)
    return extract_stored(store, chain(earlier, new), progress=progress, scheduler=scheduler, clock=clock,
                          workers=workers, pool=pool, pending=pending)


WINDOW = 8  # batches in flight on the cluster at once


def worker_pool(workers: int):
    """Worker processes for the models. They are started fresh ("spawn"): nothing of this process's threads or
    connections is copied; each loads the models it needs once and keeps them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _on_processes(batches, workers: int, clock: Stopwatch | None = None, pool=None):
    """Worker processes of this machine run the models on a window of batches; results come back in order."""
    from contextlib import nullcontext

    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return
    with nullcontext(pool) if pool is not None else worker_pool(workers) as pool:
        yield from _in_order(lambda batch: pool.submit(_extract_batch, batch), chain([first], batches), 6 * workers,
                             clock, "waiting for the workers (NLP + extraction)")


def _in_order(submit, batches, window: int, clock: Stopwatch | None, waiting: str):
    """Keep `window` batches running (`submit` returns a future) and hand the results back in submission order."""
    from collections import deque

    in_flight: deque = deque()
    for batch in batches:
        in_flight.append(submit(batch))
        if len(in_flight) >= window:
            with stage(clock, waiting):
                result = in_flight.popleft().result()
            yield result
    while in_flight:
        with stage(clock, waiting):
            result = in_flight.popleft().result()
        yield result


def _on_dask(batches, scheduler: str, clock: Stopwatch | None = None):
    """Keep a window of batches running on the cluster and hand the results back in submission order."""
    from dask.distributed import Client, LocalCluster

    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return  # nothing to do: no cluster started
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
        if scheduler == "local" else None
    client = Client(cluster or scheduler)
    try:
        yield from _in_order(lambda batch: client.submit(_extract_batch, batch, pure=False), chain([first], batches),
                             WINDOW, clock, "waiting for the cluster (NLP + extraction)")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
