"""The app section of the settings: safe defaults, env overrides, an all-or-nothing login."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from corpus.settings import PROJECT_ROOT, AppSettings, Settings


def test_defaults_bind_to_localhost_without_login():
    app = Settings().app
    assert (app.host, app.port) == ("127.0.0.1", 7860)
    assert app.feedback_file == PROJECT_ROOT / "data" / "feedback.jsonl"
    assert app.auth is None


def test_env_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVIESWIJZER_APP__PORT", "7999")
    monkeypatch.setenv("ADVIESWIJZER_APP__FEEDBACK_FILE", str(tmp_path / "f.jsonl"))
    monkeypatch.setenv("ADVIESWIJZER_APP__AUTH_USER", "ambtenaar")
    monkeypatch.setenv("ADVIESWIJZER_APP__AUTH_PASSWORD", "geheim")
    app = Settings().app
    assert app.port == 7999 and app.feedback_file == tmp_path / "f.jsonl"
    assert app.auth == ("ambtenaar", "geheim")
    assert "geheim" not in repr(app)


def test_login_needs_user_and_password():
    with pytest.raises(ValidationError, match=r"auth_user and app\.auth_password"):
        AppSettings(auth_user="alleen-naam")


def test_every_app_field_is_documented():
    assert all(field.description for field in AppSettings.model_fields.values())
