"""`gremalda preflight FILE…`: are these PDFs fit for a meeting folder? (see gremalda.pdf.preflight)

Prints a table (one line per file: verdict, pages, size, text, what was found) or, with ``--json``, a
JSON list of the reports. Exit status 0 when every file is accepted (warnings do not fail), 1 when any
is refused. Works without a data directory or a sign-in."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gremalda.pdf.preflight import DEFAULT_TIMEOUT, Preflighter, PreflightReport


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    text = "check PDFs the way the viewer opens them, before attaching them to a meeting"
    p = sub.add_parser("preflight", parents=[common], help=text, description=text)
    p.add_argument("files", nargs="+", metavar="FILE", help="the PDFs to check")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--password", help="the open password of protected PDFs (they are still refused)")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per file (default {DEFAULT_TIMEOUT:g})",
    )
    p.set_defaults(handler=run)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _row(path: str, report: PreflightReport) -> list[str]:
    verdict = "REFUSED" if not report.ok else ("WARN" if report.warnings else "OK")
    text = f"{len(report.text_pages)}/{report.pages}" if report.pages else "-"
    notes = [report.refused_reason] if report.refused_reason else []
    notes += report.warnings
    return [verdict, path, str(report.pages), _size(report.size), text, " ".join(n for n in notes if n)]


def table(rows: list[tuple[str, PreflightReport]]) -> str:
    head = ["RESULT", "FILE", "PAGES", "SIZE", "TEXT", "FINDINGS"]
    lines = [head, *(_row(path, report) for path, report in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    out = []
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        out.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    results: list[tuple[str, PreflightReport]] = []
    with Preflighter(timeout_s=args.timeout) as checker:
        for name in args.files:
            results.append((name, checker.check(name, args.password)))
    if args.json:
        payload = [{"file": path, **report.to_dict()} for path, report in results]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(table(results))
        refused = sum(not r.ok for _, r in results)
        warned = sum(r.ok and bool(r.warnings) for _, r in results)
        print(
            f"\n{len(results)} checked: {len(results) - refused} accepted "
            f"({warned} with warnings), {refused} refused."
        )
    return 1 if any(not r.ok for _, r in results) else 0
