"""A limit on failed logins per client address, as ASGI middleware around the page's server.

Gradio's login route (``POST /login``) answers a wrong password with HTTP 400 and allows any number
of tries. Here each client address gets ``attempts`` failures per ``window_s``; beyond that the route
answers 429 with a message that says how long to wait, without asking Gradio. Memory is bounded: only
addresses with a recent failure are kept, at most ``max_clients`` of them.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

WINDOW_S = 60.0
MAX_CLIENTS = 10_000
TOO_MANY = "Te veel mislukte inlogpogingen vanaf dit adres; probeer het over {wait} seconden opnieuw."


class LoginLimiter:
    def __init__(
        self, app: ASGIApp, attempts: int = 5, window_s: float = WINDOW_S, max_clients: int = MAX_CLIENTS
    ) -> None:
        self.app, self.attempts, self.window_s, self.max_clients = app, attempts, window_s, max_clients
        self.failures: dict[str, deque[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or scope.get("path", "").rstrip("/") != "/login"
        ):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("?",))[0])
        wait = self.wait_s(client, time.monotonic())
        if wait:
            await _refuse(send, TOO_MANY.format(wait=wait))
            return
        status: list[int] = []

        async def watched(message: Message) -> None:
            if message.get("type") == "http.response.start":
                status.append(int(message.get("status", 0)))
            await send(message)

        await self.app(scope, receive, watched)
        if status and status[0] in (400, 401, 403):
            self.failed(client, time.monotonic())

    def wait_s(self, client: str, now: float) -> int:
        """Seconds ``client`` must wait before it may try again (0: it may)."""
        recent = self.failures.get(client)
        while recent and now - recent[0] >= self.window_s:
            recent.popleft()
        if not recent:
            self.failures.pop(client, None)
            return 0
        return math.ceil(self.window_s - (now - recent[0])) if len(recent) >= self.attempts else 0

    def failed(self, client: str, now: float) -> None:
        if client not in self.failures and len(self.failures) >= self.max_clients:
            self.failures.pop(next(iter(self.failures)))  # the oldest address goes
        self.failures.setdefault(client, deque(maxlen=self.attempts)).append(now)


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
