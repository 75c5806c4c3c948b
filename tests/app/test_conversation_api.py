"""An API caller continues a conversation on a running ``python app.py`` (docs/assistant-json.md,
"Conversations"): it passes the chat the ``/respond`` endpoint returned back with the next question."""

from __future__ import annotations

import pytest

from assistant.compose import phrase
from assistant.page.render import plain_text

pytest.importorskip("gradio_client")

FIRST = "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?"
FOLLOW_UP = "Geef daar eens een voorbeeld van."  # answered today; the plumbing, not the abstention, is tested here
READING = phrase("nl", "reading", reading="").strip()  # "Ik lees uw vraag als:"


def _text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


def test_an_api_caller_continues_a_conversation_by_passing_the_chat_back(app_server):
    from gradio_client import Client

    client = Client(app_server.url, verbose=False, analytics_enabled=False)
    chat, _, _ = client.predict(FIRST, [], "ondernemer", [], api_name="/respond")
    chat, _, sources = client.predict(FOLLOW_UP, chat, "ondernemer", [], api_name="/respond")
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    assert plain_text(_text(chat[-1])).startswith(f"{READING} {FOLLOW_UP} — "), _text(chat[-1])[:300]
    assert 'class="bron"' in sources
    alone, _, _ = Client(app_server.url, verbose=False, analytics_enabled=False).predict(
        FOLLOW_UP, [], "ondernemer", [], api_name="/respond"
    )
    assert not plain_text(_text(alone[-1])).startswith(READING)  # an empty chat is a new conversation
