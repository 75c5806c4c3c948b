"""``python -m ingest build`` as a subprocess whose progress lines a test can wait for (to kill it
at a chosen stage)."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time

import pytest

from corpus.settings import PROJECT_ROOT

EMBED_LINE = "[ingest] embed:"  # the progress line of the embedding stage


def start_build(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """The build process and a queue that receives its stderr (progress) lines."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "build", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def wait_for(proc: subprocess.Popen[str], lines: queue.Queue[str], marker: str, timeout: float) -> list[str]:
    """Stderr lines up to the first one containing ``marker``; fails if the build ends or stalls first."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if marker in line:
            return seen
    pytest.fail(f"build never reached {marker!r} (exit code {proc.poll()}); stderr:\n{''.join(seen)}")
