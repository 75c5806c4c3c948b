"""The productivity scan (issue 15): answers read from data, advice retrieved and cited verbatim."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.scan import ScanAnswers, load_form, scan_report
from corpus.errors import ScanError
from corpus.settings import PROJECT_ROOT
from eval.scan_eval import load_profiles, score, unsupported_lines

OVERIJSSEL = "ser-overijssel-arbeidsproductiviteit"
BUILDER = {  # a construction company with 12 employees that cannot find staff and scores low on smarter work
    "sector": "bouw",
    "size": "10-49",
    "region": "zwolle",
    "scores": {"slimmer-werken": 1, "werkprocessen": 3, "zelforganisatie": 3},
    "problems": ["personeel-vinden"],
    "own_words": "We vinden geen timmerlieden meer.",
}


def test_the_form_is_data_with_a_query_for_every_scored_element_and_problem() -> None:
    form = load_form()
    assert len(form.elements) == 8  # the Schijf van vijf and the three areas of recommendation 4.5
    assert all(o.query for o in (*form.elements, *form.problems))
    assert {o.id for o in form.sectors} >= {"techniek", "zorg", "onderwijs", "bouw", "handel"}
    assert form.text("nl", "missing", fields="regio").startswith("Nog niet ingevuld: regio")


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"sector": "ruimtevaart"}, "'ruimtevaart'"),
        ({"scores": {"slimmer-werken": 7}}, "1 tot 5"),
        ({"scores": {"slimmer-werken": True}}, "1 tot 5"),
        ({"scores": {"geluk": 3}}, "'geluk'"),
        ({"problems": ["belasting"]}, "'belasting'"),
    ],
)
def test_bad_answers_name_what_is_wrong(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ScanError, match=named):
        ScanAnswers.from_mapping(data)


@pytest.mark.slow
def test_the_builder_gets_advice_on_staff_shortage_and_smarter_work_with_a_best_practice(assistant: Any) -> None:
    report = scan_report(assistant, ScanAnswers.from_mapping(BUILDER))
    given = report.recommendation_ids
    assert f"{OVERIJSSEL}:1.2" in given  # Zie de huidige krapte als een kans
    assert any(r.startswith(f"{OVERIJSSEL}:5.") for r in given)  # social innovation, smarter work
    assert "Voorbeeld uit de praktijk:" in report.text and report.citations
    chunks = {c.chunk_id: c.text for c in assistant.index.chunks}
    assert unsupported_lines(report, chunks) == ()
    assert "regio" not in report.missing and "5 scores" in report.missing


@pytest.mark.slow
def test_an_empty_scan_says_what_to_fill_in(assistant: Any) -> None:
    report = scan_report(assistant, ScanAnswers())
    assert not report.citations and load_form().text("nl", "nothing") in report.text


@pytest.mark.slow
def test_own_words_go_through_the_chat_checks(assistant: Any) -> None:
    from corpus.errors import QuestionError

    with pytest.raises(QuestionError):
        scan_report(assistant, ScanAnswers(own_words="x" * 5000, problems=("regeldruk",)))


@pytest.mark.slow
def test_every_profile_of_the_scan_eval_is_cited_verbatim(assistant: Any) -> None:
    results = [score(assistant, p) for p in load_profiles()]
    assert len(results) >= 20 and all(not r.unsupported for r in results)
    assert sum(r.hit for r in results) >= 0.85 * len(results)


@pytest.mark.slow
def test_the_cli_reads_a_toml_file(tmp_path: Path, real_settings: Any) -> None:
    answers = tmp_path / "scan.toml"
    answers.write_text(
        'sector = "bouw"\nproblems = ["personeel-vinden"]\n[scores]\nslimmer-werken = 1\n', encoding="utf-8"
    )
    env_keys = {
        "ADVIESWIJZER_INDEX__DATA_DIR": str(real_settings.index.data_dir),
        "ADVIESWIJZER_CORPUS__FOLDERS": json.dumps([str(f) for f in real_settings.corpus.folders]),
    }
    import os

    env = {**os.environ, **env_keys}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "scan", str(answers), "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert f"{OVERIJSSEL}:1.2" in record["recommendations"] and record["citations"]
    bad = tmp_path / "bad.toml"
    bad.write_text('sector = "ruimtevaart"\n', encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "assistant", "scan", str(bad)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "ruimtevaart" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow
def test_the_verbatim_check_catches_an_invented_sentence(assistant: Any) -> None:
    from dataclasses import replace

    report = scan_report(assistant, ScanAnswers.from_mapping(BUILDER))
    first = next(line for line in report.text.splitlines() if line.endswith("[1]"))
    tampered = replace(report, text=report.text.replace(first, "De SER raadt aan om minder te werken. [1]"))
    chunks = {c.chunk_id: c.text for c in assistant.index.chunks}
    assert unsupported_lines(tampered, chunks) == ("De SER raadt aan om minder te werken. [1]",)
