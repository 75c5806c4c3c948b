"""Issue 13, case 8: bounded resources in the app. Failed logins are limited per client address;
note exports have a size and a count limit; Gradio's copies of the downloads are gone when the app
stops. (Memory under load: ``bench/load.py --soak``, docs/performance.md.)"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from assistant.page.guard import TOO_MANY, LoginLimiter
from corpus.settings import AppSettings

gr = pytest.importorskip("gradio")


# --- the login limiter, on its own --------------------------------------------------------------


def _app(status: int) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def _post(limiter: LoginLimiter, client: str = "10.0.0.1", path: str = "/login") -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "POST", "path": path, "client": (client, 5000)}
    asyncio.run(limiter(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_failed_logins_are_limited_per_address_with_a_message() -> None:
    limiter = LoginLimiter(_app(400), attempts=5)
    assert [_post(limiter)[0] for _ in range(5)] == [400] * 5
    status, body = _post(limiter)
    assert status == 429 and "probeer het over" in json.loads(body)["detail"]
    assert _post(limiter, client="10.0.0.2")[0] == 400  # another address is not held up
    assert _post(limiter, path="/config")[0] == 400  # other routes pass untouched


def test_successful_logins_are_not_counted() -> None:
    limiter = LoginLimiter(_app(200), attempts=2)
    assert [_post(limiter)[0] for _ in range(10)] == [200] * 10


def test_the_window_passes_and_memory_stays_bounded() -> None:
    limiter = LoginLimiter(_app(400), attempts=2, window_s=60, max_clients=3)
    limiter.failed("a", 0.0)
    limiter.failed("a", 1.0)
    assert limiter.wait_s("a", 30.0) == 30 and limiter.wait_s("a", 61.0) == 0 and "a" not in limiter.failures
    for n in range(10):
        limiter.failed(f"client-{n}", 0.0)
    assert len(limiter.failures) == 3


# --- the running app ----------------------------------------------------------------------------


def _login(url: str, password: str) -> tuple[int, str]:
    body = urllib.parse.urlencode({"username": "ambtenaar", "password": password}).encode()
    request = urllib.request.Request(f"{url}login", data=body, method="POST")  # 127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_app_limits_failed_logins(app_env: dict[str, str], start_app: Any, tmp_path: Path) -> None:
    env = {**app_env, "ADVIESWIJZER_APP__AUTH_USER": "ambtenaar", "ADVIESWIJZER_APP__AUTH_PASSWORD": "geheim"}
    server = start_app(env, tmp_path)
    attempts = AppSettings().login_attempts
    started = time.perf_counter()
    tries = [_login(server.url, f"fout-{n}")[0] for n in range(attempts + 195)]
    assert tries[:attempts] == [400] * attempts and set(tries[attempts:]) == {429}
    status, text = _login(server.url, "geheim")  # held up as well, until the minute has passed
    assert status == 429 and TOO_MANY.split("{")[0] in json.loads(text)["detail"]
    assert time.perf_counter() - started < 60


def test_note_exports_are_bounded_in_size_and_number(real_settings: Any, assistant: Any, tmp_path: Path) -> None:
    import app as app_module

    limits = AppSettings(max_note_chars=1000, max_exports=3, feedback_file=tmp_path / "f.jsonl")
    page = app_module.Page(real_settings.model_copy(update={"app": limits}), assistant)
    with pytest.warns(UserWarning, match="te lang"):  # gr.Warning outside a request
        buttons = page.export_note("# Notitie\n\n" + "tekst " * 400)
    assert all(b.visible is False for b in buttons)  # too long: not exported
    for n in range(8):
        docx, _, _ = page.export_note(f"# Notitie {n}\n\nKorte tekst.")
        assert docx.visible is True
    assert len([p for p in page.exports.iterdir() if p.is_dir()]) == 3


def test_downloads_are_removed_when_the_app_stops(app_env: dict[str, str], start_app: Any, tmp_path: Path) -> None:
    from gradio_client import Client

    from tests.app.conftest import stop_app

    temp = tmp_path / "gradio-temp"
    server = start_app({**app_env, "GRADIO_TEMP_DIR": str(temp)}, tmp_path)
    client = Client(server.url, verbose=False, analytics_enabled=False)
    for n in range(3):
        client.predict(f"# Notitie {n}\n\n" + "tekst " * 2000, api_name="/export_note")
    kept = [p for p in temp.rglob("*") if p.is_file()]
    assert kept, "the downloads were not copied to Gradio's temp folder"
    stop_app(server)
    assert [p for p in temp.rglob("*") if p.is_file()] == []
