"""Command line: ``python -m ingest build`` and ``python -m ingest fetch``."""

from __future__ import annotations

import argparse
import sys

from corpus.errors import AdvieswijzerError
from corpus.settings import apply_offline_env, get_settings
from ingest.clean import printable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Build the SER Advieswijzer index.")
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="ingest every PDF in the corpus folders")
    build_cmd.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    build_cmd.add_argument("--if-missing", action="store_true", help="only build when there is no index yet")
    build_cmd.add_argument("--quiet", action="store_true", help="no progress lines")
    sub.add_parser("fetch", help="download the manifest's missing documents")
    sub.add_parser("catalogue", help="print the recommendations and best practices of the current index")
    args = parser.parse_args(argv)
    apply_offline_env()
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "catalogue":
            return _catalogue()
        from ingest.fetch import run_fetch

        return run_fetch(get_settings())
    except AdvieswijzerError as exc:
        print(f"Fout: {printable(str(exc))}", file=sys.stderr)
        return 1


def _build(args: argparse.Namespace) -> int:
    from ingest import store
    from ingest.build import build
    from ingest.progress import Progress
    from ingest.report import render_report

    settings = get_settings()
    if args.if_missing and store.current_version(settings.index):
        print("Index present; nothing to do (use `python -m ingest build` to update it).")
        return 0
    report = build(settings, Progress.for_terminal(quiet=args.quiet), rebuild=args.rebuild)
    print(printable(render_report(report)))
    return 0 if report.ingested else 1


def _catalogue() -> int:
    from ingest import store
    from ingest.show import render_catalogue

    folder = store.require_current(get_settings().index)
    print(printable(render_catalogue(store.load_catalogue(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
