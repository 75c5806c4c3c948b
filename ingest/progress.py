"""Progress per stage: a bar on a terminal, plain lines otherwise (CI logs, pipes)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


class Progress:
    def __init__(self, stream: TextIO | None = None, bar: bool = False, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.bar = bar
        self.quiet = quiet

    @classmethod
    def for_terminal(cls, quiet: bool = False) -> Progress:
        return cls(sys.stderr, bar=sys.stderr.isatty(), quiet=quiet)

    def stage(self, message: str) -> None:
        if not self.quiet:
            print(f"[ingest] {message}", file=self.stream, flush=True)

    def iterate(self, items: Iterable[T], stage: str, total_items: int | None = None, step: int = 1) -> Iterator[T]:
        items = list(items)
        total = total_items if total_items is not None else len(items)
        if self.quiet:
            yield from items
            return
        if self.bar:
            from tqdm import tqdm

            with tqdm(total=total, desc=stage, file=self.stream, unit="it") as bar:
                for item in items:
                    yield item
                    bar.update(min(step, total - bar.n))
            return
        yield from self._plain(items, stage, total, step)

    def _plain(self, items: list[T], stage: str, total: int, step: int) -> Iterator[T]:
        started, done, last = time.perf_counter(), 0, 0.0
        self.stage(f"{stage}: {total} to do")
        for item in items:
            yield item
            done = min(total, done + step)
            now = time.perf_counter() - started
            if now - last > 10 or done == total:
                self.stage(f"{stage}: {done}/{total} ({now:.0f} s)")
                last = now
