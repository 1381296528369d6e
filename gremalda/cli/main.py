"""`gremalda`: the command line. Every command takes `--data-dir` (default: the user's data directory).

Errors reach the user as one line, ``gremalda: <title>: <message>``, and exit status 1; a bug (an
InternalError or an unexpected exception) says so and asks for a report. Status 2 is a usage error.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence

from gremalda import __version__
from gremalda.cli import annotations as annotations_cli
from gremalda.cli import browse, check, oparl, syncing
from gremalda.cli import preflight as preflight_cli
from gremalda.errors import GremaldaError, InternalError

Handler = Callable[[argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the encrypted offline copy lives (default: the user data dir)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")

    parser = argparse.ArgumentParser(
        prog="gremalda", description="Gremalda: council meetings and e-files, offline"
    )
    parser.add_argument("--version", action="version", version=f"gremalda {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = command("check", check.run, "check that a Gremalda server answers")
    p.add_argument("--server", required=True, help="e.g. https://gremalda.example.de")
    p.add_argument("--insecure", action="store_true", help="do not verify the TLS certificate (testing only)")

    p = command("login", syncing.login, "sign this device in to a server")
    p.add_argument("--server", required=True, help="e.g. https://gremalda.example.de")
    p.add_argument("--user", required=True, help="your user name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--device-name", help="how this device is listed in your account (default: host name)")
    p.add_argument("--ca-bundle", metavar="FILE", help="trust the certificates in FILE (PEM) for this server")
    p.add_argument("--insecure", action="store_true", help="do not verify the TLS certificate (testing only)")

    p = command("logout", syncing.logout, "remove the offline copy and its keys from this device")
    p.add_argument("--yes", action="store_true", help="do not ask")

    p = command("sync", syncing.sync, "synchronise once: changes, documents, search index")
    p.add_argument("--workers", type=int, default=4, help="parallel downloads (default 4)")
    p.add_argument("--no-index", action="store_true", help="do not update the search index")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    command("status", browse.status, "what the offline copy holds, and when it was synchronised")

    p = command("ls", browse.ls, "list meetings, a meeting's agenda, documents or e-files (offline)")
    p.add_argument(
        "what",
        nargs="?",
        default="meetings",
        help="meetings (default) | meeting ID | documents | efiles | efile ID",
    )
    p.add_argument("id", nargs="?", help="the meeting's or e-file's id")

    p = command("search", browse.search, "search the text of every document (offline)")
    p.add_argument(
        "query",
        nargs="+",
        help="words to find (all of them; a word of 3 letters or more also finds longer words it begins: "
        "Zuwendung finds Zuwendungen); '\"quoted words\"' exactly, as a phrase; prefix* for any length",
    )
    p.add_argument("--limit", type=int, default=20)

    p = command("gui", _gui, "open the desktop window")
    p.add_argument(
        "--smoke-test",
        metavar="FILE.png",
        help="open the next meeting's first document, save a "
        "screenshot of the window to FILE.png and exit (0: it worked)",
    )
    p.add_argument("--lang", choices=["de", "en"], help="the language of the window (default: the system's)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds the smoke test may take (default 60)")

    oparl.register(sub, common)
    annotations_cli.register(sub, common)
    preflight_cli.register(sub, common)

    p = command("export", browse.export, "write a document, decrypted, to a file you choose")
    p.add_argument("document", help="the document's id or file name (see gremalda ls documents)")
    p.add_argument("--to", required=True, metavar="FILE", help="where to write it")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    return parser


def _gui(args: argparse.Namespace) -> int:
    from pathlib import Path

    from gremalda.ui.app import run  # Qt only for the window: the other commands start without it

    smoke = Path(args.smoke_test) if args.smoke_test else None
    return run(args.data_dir, smoke_test=smoke, language=args.lang, timeout=args.timeout)


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the render and text workers are spawned (also from a frozen app)
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler: Handler = args.handler
    try:
        return handler(args)
    except GremaldaError as exc:
        print(f"gremalda: {exc.title}: {exc.message}", file=sys.stderr)
        if exc.detail and args.verbose:
            print(f"  ({exc.detail})", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `gremalda ls | head`: the reader has gone, that is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("gremalda: interrupted; what was synchronised is kept.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so, with the trace for the report
        logging.getLogger("gremalda").exception("unexpected error")
        error = InternalError(detail=repr(exc))
        print(f"gremalda: {error.title}: {error.message}", file=sys.stderr)
        return 1


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        raise GremaldaError("No terminal to ask for the password: pass it with --password-stdin.")
    if not password:
        raise GremaldaError("The password is empty.")
    return password
