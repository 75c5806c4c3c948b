"""Command line: ``python -m assistant ask "vraag"`` (for a person) or ``--json`` (one JSON
object per line, for batches: questions as arguments, or one per line on standard input).

Exit codes: 0 answered (or abstained), 1 the index or store is unusable, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO

from corpus.errors import AdvieswijzerError, QuestionError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from corpus.settings import apply_offline_env

    apply_offline_env()
    given = args.questions or ([] if sys.stdin.isatty() and not args.json else _stdin_lines(sys.stdin.buffer))
    questions = [_decoded(q) for q in given]
    if not questions:
        print('Fout: geen vraag gegeven. Gebruik: python -m assistant ask "uw vraag"', file=sys.stderr)
        return 2
    try:
        assistant = _assistant()
    except AdvieswijzerError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    filters = _filters(args)
    if args.json:
        return _batch(assistant, questions, args.persona, filters)
    return _for_people(assistant, questions, args.persona, filters)


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
    return parser


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


def _batch(assistant: Any, questions: list[str], persona: str | None, filters: Any) -> int:
    from assistant.serialize import answer_to_dict

    for question in questions:
        try:
            record = answer_to_dict(assistant.ask(question, persona, filters))
        except AdvieswijzerError as exc:
            record = {"question": question, "error": str(exc)}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def _for_people(assistant: Any, questions: list[str], persona: str | None, filters: Any) -> int:
    status = 0
    for question in questions:
        try:
            answer = assistant.ask(question, persona, filters)
        except QuestionError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            status = 2
            continue
        except AdvieswijzerError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 1
        print(answer.answer)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
