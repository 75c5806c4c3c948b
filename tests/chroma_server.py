"""A real ``chroma run`` server on 127.0.0.1 for tests: start, stop and start again on the same
port and folder (to test what users see while it is down)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.net import free_port

CHROMA = Path(sys.executable).with_name("chroma")
START_TIMEOUT_S = 20.0


def heartbeat(port: int) -> bool:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
        client.heartbeat()
    except Exception:  # noqa: BLE001 - any failure means: not up (yet)
        return False
    return True


class ChromaServer:
    """``chroma run --path <folder>/db --host 127.0.0.1 --port <port>``; its log in ``<folder>/server.log``."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """What a subprocess needs to use this server."""
        return {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(self.port)}

    def start(self) -> ChromaServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            str(CHROMA),
            "run",
            "--path",
            str(self.folder / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with (self.folder / "server.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not heartbeat(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chroma server did not start on port {self.port}:\n{self.log()[-2000:]}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""
