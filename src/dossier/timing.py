"""Time spent per pipeline stage, for `dossier bench` and `dossier ingest --timings`.

The pipeline takes an optional Stopwatch and wraps each stage in it; without one nothing is measured.
"""
from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext


class Stopwatch:
    """Wall-clock seconds per stage, summed over every time the stage ran. A stage run inside another is that
    stage's time only, not the enclosing one's too: the stages add up to the time they cover."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._inner: list[float] = []  # per open stage, the seconds of the stages run inside it

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        self._inner.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed - self._inner.pop()
            if self._inner:
                self._inner[-1] += elapsed


def stage(clock: Stopwatch | None, name: str):
    """`with stage(clock, "NLP"):` times the block when a clock is given, and costs nothing otherwise."""
    return clock(name) if clock is not None else nullcontext()
