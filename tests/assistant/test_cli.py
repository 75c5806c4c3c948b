"""The command line and its JSON contract (docs/assistant-json.md), in a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from corpus.settings import PROJECT_ROOT

CITATION_KEYS = {
    "n",
    "chunk_id",
    "doc_id",
    "doc_title",
    "page",
    "page_label",
    "section",
    "recommendation_id",
    "recommendation",
    "best_practice",
    "quote",
    "ocr",
}
PASSAGE_KEYS = {"rank", "doc_id", "page", "page_label", "section", "recommendation_id", "text", "score"}


def run(env, *args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "assistant", "ask", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_batch_from_stdin_one_object_per_line(assistant_env):
    lines = (
        "Waar kan ik terecht als ik niet weet bij welke instantie ik moet zijn?\n   \nHoeveel vakantiedagen heb ik?\n"
    )
    done = run(assistant_env, "--json", stdin=lines)
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(objects) == 3
    answered, bad, abstained = objects
    assert set(answered) >= {"question", "answer", "abstained", "persona", "citations", "passages", "timings_ms"}
    assert answered["abstained"] is False and answered["persona"] == "ondernemer"
    assert answered["citations"] and all(set(c) == CITATION_KEYS for c in answered["citations"])
    assert 1 <= len(answered["passages"]) <= 10 and all(set(p) == PASSAGE_KEYS for p in answered["passages"])
    assert [p["rank"] for p in answered["passages"]] == list(range(1, len(answered["passages"]) + 1))
    assert set(answered["timings_ms"]) == {"retrieve", "compose", "total"}
    assert answered["citations"][0]["recommendation_id"] == "ser-overijssel-arbeidsproductiviteit:4.3"
    assert "error" in bad and "leeg" in bad["error"]
    assert abstained["abstained"] is True and abstained["citations"] == []


def test_json_questions_as_arguments_and_persona(assistant_env):
    done = run(
        assistant_env, "--json", "--persona", "beleidsmedewerker", "Wat is de J-curve?", "How can SMEs adopt AI?"
    )
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["persona"] for o in objects] == ["beleidsmedewerker", "beleidsmedewerker"]
    assert objects[1]["language"] == "en"


def test_for_people_prints_answer_with_sources(assistant_env):
    done = run(assistant_env, "Bestaat er een arbeidsproductiviteitsscan?")
    assert done.returncode == 0
    assert "Bied een scan aan om de arbeidsproductiviteit te beoordelen" in done.stdout
    assert "Bronnen" in done.stdout and "[1]" in done.stdout


def test_bad_input_exit_codes(assistant_env):
    empty = run(assistant_env, "   ")
    assert empty.returncode == 2 and "leeg" in empty.stderr
    long = run(assistant_env, "x" * 2001)
    assert long.returncode == 2 and "2000" in long.stderr
    assert "Traceback" not in empty.stderr + long.stderr


def test_missing_index_names_the_build_command(assistant_env, tmp_path):
    env = {**assistant_env, "ADVIESWIJZER_INDEX__DATA_DIR": str(tmp_path / "leeg")}
    done = run(env, "Wat is de J-curve?")
    assert done.returncode == 1
    assert "python -m ingest build" in done.stderr
    assert "Traceback" not in done.stderr


STAFF = "Wat kan ik als ondernemer doen tegen het personeelstekort?"


def test_json_request_lines_carry_history_and_bad_lines_get_an_error(assistant_env):
    lines = [
        json.dumps({"question": "En in de zorg?", "history": [STAFF]}),
        '{"question": "En in de zorg?", "history": "' + STAFF + '"}',
        '{"question": "En in de zorg?"',
        "En in de zorg?",
    ]
    done = run(assistant_env, "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    follow_up, not_a_list, broken, alone = [json.loads(line) for line in done.stdout.splitlines()]
    assert follow_up["history"] == [STAFF]
    assert follow_up["understood"]["follow_up"] is True and "personeelstekort" in follow_up["understood"]["reading"]
    assert "'history' moet een lijst" in not_a_list["error"]
    assert broken["question"] == lines[2] and "geen geldig JSON-object" in broken["error"]
    assert alone["history"] == [] and alone["understood"]["follow_up"] is False
    assert "Traceback" not in done.stderr


def test_conversation_flag_reads_the_questions_as_one_conversation(assistant_env):
    done = run(assistant_env, "--json", "--conversation", STAFF, "En in de zorg?")
    first, second = [json.loads(line) for line in done.stdout.splitlines()]
    assert first["history"] == [] and second["history"] == [STAFF]
    assert second["understood"]["follow_up"] is True
