"""Time spent per pipeline stage, for `dossier bench` and `dossier ingest --timings`.

The pipeline takes an optional Stopwatch and wraps each stage in it; without one nothing is measured.
"""
from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext


class Stopwatch:
    """Wall-clock seconds per stage, summed over every time the stage ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def stage(clock: Stopwatch | None, name: str):
    """`with stage(clock, "NLP"):` times the block when a clock is given, and costs nothing otherwise."""
    return clock(name) if clock is not None else nullcontext()
