"""``python -m assistant ask`` with hostile arguments, options and standard input: a clean
message and exit code, never a Python traceback, and output that is valid UTF-8 (one JSON object
per question with ``--json``).

The subprocesses run with strict UTF-8 standard streams (``PYTHONIOENCODING=utf-8``), as under the
usual desktop locales (en_US.UTF-8, nl_NL.UTF-8); under the C locale Python writes undecodable
bytes instead of failing, which the strict decoding of the output below catches as well.
Each run starts a process that loads the index (2-6 s on the 2-core machine), so the examples
are few (three explicit, two generated) and each one asks several questions.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus.settings import PROJECT_ROOT
from tests.hostile.strategies import INJECTIONS, QUESTIONS, SPECIAL, blank_text, hostile_text, long_text

LIMIT = 2000  # settings.answer.max_question_chars by default
EXPLICIT = [  # asked together in one process per mode
    INJECTIONS[0],
    "[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "\u202e\u200b😀 " + QUESTIONS[0],
    "\r\n\t",
    "",
    "x" * (LIMIT + 1),
    "-h",
    "--json",
    QUESTIONS[1],
]
UNDECODABLE = "\udcff"  # the byte 0xff on a command line or standard input (Python's surrogateescape)


class Cli:
    """Runs the CLI on the real index; the output must be valid UTF-8 and free of tracebacks."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {**env, "PYTHONIOENCODING": "utf-8"}

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return "Cli(real index)"

    def __call__(self, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "ask", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # strict: bad bytes fail here
        assert "Traceback" not in out + err, err[-3000:]
        return done.returncode, out, err


@pytest.fixture
def cli(assistant_env) -> Cli:
    return Cli(assistant_env)


def _argv_safe(text: str) -> bool:
    """What a process argument can carry: no NUL, and only the surrogates that stand for raw bytes."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


question = st.one_of(hostile_text, blank_text, long_text(LIMIT), st.sampled_from(SPECIAL)).filter(_argv_safe)
option = st.tuples(st.sampled_from(["--doc", "--theme", "--kind"]), hostile_text.filter(_argv_safe))
CLI = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def _asks_something(text: str) -> bool:
    """Clearly a question within the limit (letters or digits, not too long)."""
    return len(text) <= LIMIT and any(ch.isalnum() for ch in text)


def _check_json_lines(out: str, questions: list[str]) -> None:
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == len(questions), out[-2000:]
    for record in records:
        assert isinstance(record, dict) and ("error" in record) != ("answer" in record), record
        if "error" in record:
            assert record["error"].strip()
        else:
            assert record["answer"].strip() and isinstance(record["citations"], list)


@CLI
@given(
    mode=st.sampled_from(["plain", "json", "stdin"]),
    questions=st.lists(question, min_size=1, max_size=4),
    options=st.lists(option, max_size=2),
)
@example(mode="plain", questions=[*EXPLICIT, UNDECODABLE, "\udcc3\udca9 " + QUESTIONS[0]], options=[])
@example(mode="json", questions=EXPLICIT, options=[("--doc", "../../etc/passwd"), ("--kind", "<script>")])
@example(mode="stdin", questions=[q for q in EXPLICIT if "\n" not in q], options=[("--theme", "'; DROP TABLE")])
def test_hostile_questions_and_options(cli, mode, questions, options):
    flags = [f"{flag}={value}" for flag, value in options]  # "=": a value may start with "-"
    if mode == "plain":
        rc, out, err = cli(*flags, "--", *questions)
        assert rc in (0, 2), f"exit {rc}: {err}"
        if rc == 2:
            assert err.startswith("Fout: "), err
            assert not all(_asks_something(q) for q in questions), f"refused a plain question: {err}"
        else:
            assert out.strip() and not err.strip()
        return
    questions = questions or [QUESTIONS[0]]
    if mode == "json":
        rc, out, err = cli("--json", *flags, "--", *questions)
    else:
        questions = [" ".join(q.splitlines()) or " " for q in questions]  # one question per line
        stdin = "".join(q + "\n" for q in questions).encode("utf-8")
        rc, out, err = cli("--json", *flags, stdin=stdin)
    assert rc == 0, err
    _check_json_lines(out, questions)


@pytest.mark.parametrize(
    "args",
    [
        ["--persona", "hacker", QUESTIONS[0]],
        ["--persona", "<script>alert(1)</script>", QUESTIONS[0]],
        ["--onbekend", QUESTIONS[0]],
        ["--json", "--doc"],
        ["--doc"],
    ],
)
def test_hostile_options_give_the_usage(cli, args):
    rc, _, err = cli(*args)
    assert rc == 2 and "usage:" in err, err


def test_json_error_record_for_an_undecodable_argument(cli):
    rc, out, err = cli("--json", "--", UNDECODABLE)
    assert rc == 0, err
    _check_json_lines(out, [UNDECODABLE])


def test_json_batch_with_invalid_utf8_on_stdin(cli):
    rc, out, err = cli("--json", stdin=b"vraag \xff over AI\n" + QUESTIONS[0].encode() + b"\n")
    assert rc == 0, err
    _check_json_lines(out, ["", ""])
