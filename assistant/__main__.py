"""Command line: ``python -m assistant ask "vraag"`` (for a person) or ``--json`` (one JSON
object per line, for batches: questions as arguments, or one per line on standard input).

With ``--json`` a line may also be a request object, ``{"question": "…", "history": ["…", …]}``:
the question with the earlier questions of its conversation, oldest first (docs/assistant-json.md).
``--conversation`` reads the questions given as one conversation: each gets the earlier ones as history.

Exit codes: 0 answered (or abstained), 1 the index or store is unusable, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from corpus.errors import AdvieswijzerError, QuestionError
from ingest.clean import printable

HISTORY_LIMIT = 10  # earlier questions one request may give (the assistant reads the last three of them)
REQUEST_FIELDS = ("question", "history")
REQUEST_SHAPE = '{"question": "…", "history": ["eerdere vraag", …]}'


@dataclass(frozen=True)
class Request:
    """One question of a batch; ``history`` is None when the line gave none (``--conversation`` may fill it)."""

    question: str
    history: tuple[str, ...] | None = None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from corpus.settings import apply_offline_env

    apply_offline_env()
    if args.command == "scan":
        return _scan(args.file, args.json)
    given = args.questions or ([] if sys.stdin.isatty() and not args.json else _stdin_lines(sys.stdin.buffer))
    questions = [_decoded(q) for q in given]
    if not questions:
        print('Fout: geen vraag gegeven. Gebruik: python -m assistant ask "uw vraag"', file=sys.stderr)
        return 2
    try:
        assistant = _assistant()
    except AdvieswijzerError as exc:
        print(f"Fout: {printable(str(exc))}", file=sys.stderr)
        return 1
    filters = _filters(args)
    if args.json:
        return _batch(assistant, questions, args.persona, filters, args.conversation)
    return _for_people(assistant, questions, args.persona, filters, args.conversation)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Vraag het de SER-adviezen.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="stel een vraag")
    ask.add_argument("questions", nargs="*", help="vraag (of vragen); zonder vraag: één per regel op stdin")
    ask.add_argument("--json", action="store_true", help="één JSON-object per regel (zie docs/assistant-json.md)")
    ask.add_argument("--persona", choices=["ondernemer", "beleidsmedewerker"], default=None)
    ask.add_argument("--doc", action="append", default=[], help="alleen dit document (doc id); herhaalbaar")
    ask.add_argument("--theme", action="append", default=[], help="alleen dit thema (nummer); herhaalbaar")
    ask.add_argument("--kind", action="append", default=[], help="alleen dit soort passage; herhaalbaar")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="de vragen zijn één gesprek: elke vraag wordt gelezen met de eerdere (zoals 'En in de zorg?')",
    )
    scan = sub.add_parser("scan", help="de productiviteitsscan: advies op maat bij ingevulde antwoorden")
    scan.add_argument("file", type=Path, help="de antwoorden als TOML of JSON (zie docs/scan.md)")
    scan.add_argument("--json", action="store_true", help="het rapport als JSON-object")
    return parser


def _scan(path: Path, as_json: bool) -> int:
    """``python -m assistant scan answers.toml``: the scan report for people, or as JSON."""
    from assistant.scan import ScanAnswers, scan_report

    try:
        raw = path.read_bytes().decode("utf-8")
        data = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(
            f"Fout: het bestand {str(path)!r} is geen leesbare TOML of JSON ({printable(str(exc))}).", file=sys.stderr
        )
        return 2
    try:
        answers = ScanAnswers.from_mapping(data if isinstance(data, dict) else {})
        report = scan_report(_assistant(), answers)
    except QuestionError as exc:
        print(f"Fout: {printable(str(exc))}", file=sys.stderr)
        return 2
    except AdvieswijzerError as exc:
        print(f"Fout: {printable(str(exc))}", file=sys.stderr)
        return 1
    if as_json:
        record = {
            "answers": asdict(report.answers),
            "recommendations": report.recommendation_ids,
            "topics": [asdict(t) for t in report.topics],
            "missing": list(report.missing),
            "text": report.text,
            "citations": [asdict(c) for c in report.citations],
        }
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(printable(report.text))
    return 0


def _stdin_lines(stream: BinaryIO) -> list[str]:
    """One question per line; bytes that are not UTF-8 become U+FFFD instead of a crash."""
    text = stream.read().decode("utf-8", "replace")
    return [line.rstrip("\r") for line in text.removesuffix("\n").split("\n")] if text else []


def _decoded(question: str) -> str:
    """An argument with undecodable bytes (lone surrogates in Python) as text that prints anywhere."""
    try:
        return question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate outside the escape range
        return question.encode("utf-8", "replace").decode("utf-8")


def _assistant() -> Any:
    from assistant.assistant import Assistant

    return Assistant()


def _filters(args: argparse.Namespace) -> Any:
    from assistant.records import Filters

    return Filters(tuple(args.doc), tuple(args.theme), tuple(args.kind))


def parse_request(line: str, limit: int) -> Request:
    """A batch line: plain text is a question; a line that starts with "{" must be a request object
    with a string ``question`` and optionally ``history``, a list of at most ``HISTORY_LIMIT`` earlier
    questions of at most ``limit`` characters each. Raises ``QuestionError`` naming what is wrong."""
    if not line.lstrip().startswith("{"):
        return Request(line)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise QuestionError(
            f"Deze regel is geen geldig JSON-object ({exc.msg}, teken {exc.pos + 1}). {_shape()}"
        ) from None
    except RecursionError:  # nested deeper than the parser goes
        raise QuestionError(f"Deze regel is te diep genest voor een JSON-object. {_shape()}") from None
    if not isinstance(data, dict):
        raise QuestionError(f"Deze regel is geen JSON-object. {_shape()}")
    unknown = sorted(set(data) - set(REQUEST_FIELDS))
    if unknown:
        raise QuestionError(
            f"Onbekend veld {unknown[0]!r} in het JSON-object; toegestaan zijn 'question' en 'history'."
        )
    question = data.get("question")
    if not isinstance(question, str):
        raise QuestionError(f"Het JSON-object mist de vraag als tekst in 'question'. {_shape()}")
    if "history" not in data or data["history"] is None:
        return Request(question)
    return Request(question, _history(data["history"], limit))


def _history(given: object, limit: int) -> tuple[str, ...]:
    if not isinstance(given, list) or not all(isinstance(turn, str) for turn in given):
        raise QuestionError(f"'history' moet een lijst van eerdere vragen (teksten) zijn, oudste eerst. {_shape()}")
    if len(given) > HISTORY_LIMIT:
        raise QuestionError(
            f"'history' heeft {len(given)} vragen; de grens is {HISTORY_LIMIT}. Geef de laatste vragen van het gesprek."
        )
    for i, turn in enumerate(given):
        if len(turn) > limit:
            raise QuestionError(f"Vraag {i} van 'history' is te lang ({len(turn)} tekens; de grens is {limit}).")
    return tuple(given)


def _shape() -> str:
    return f"Geef een vraag als tekst, of als {REQUEST_SHAPE}."


def _batch(assistant: Any, lines: list[str], persona: str | None, filters: Any, conversation: bool = False) -> int:
    """One JSON object per line, in the order of ``lines``; a bad line gives an error object and the batch goes on."""
    from assistant.serialize import answer_to_dict

    limit = assistant.settings.answer.max_question_chars
    earlier: list[str] = []  # with --conversation: the questions answered so far
    for line in lines:
        try:
            request = parse_request(line, limit)
        except QuestionError as exc:
            print(json.dumps({"question": line, "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        history = _history_for(request, earlier, conversation)
        try:
            answer = assistant.ask(request.question, persona, filters, history=history)
            record = {**answer_to_dict(answer), "history": list(history)}
            earlier.append(answer.question)
        except AdvieswijzerError as exc:
            record = {"question": request.question, "error": str(exc)}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def _history_for(request: Request, earlier: Sequence[str], conversation: bool) -> tuple[str, ...]:
    """The request's own history; else, in a conversation, the questions before it (the last ``HISTORY_LIMIT``)."""
    if request.history is not None:
        return request.history
    return tuple(earlier[-HISTORY_LIMIT:]) if conversation else ()


def _for_people(
    assistant: Any, questions: list[str], persona: str | None, filters: Any, conversation: bool = False
) -> int:
    status = 0
    earlier: list[str] = []
    for question in questions:
        history = tuple(earlier[-HISTORY_LIMIT:]) if conversation else ()
        try:
            answer = assistant.ask(question, persona, filters, history=history)
        except QuestionError as exc:
            print(f"Fout: {printable(str(exc))}", file=sys.stderr)
            status = 2
            continue
        except AdvieswijzerError as exc:
            print(f"Fout: {printable(str(exc))}", file=sys.stderr)
            return 1
        earlier.append(answer.question)
        print(printable(answer.answer))  # a model's or a document's text never drives the terminal
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
