"""The `gremalda` entry point: the command line (the desktop window follows, see the open issues)."""

from __future__ import annotations

from gremalda.cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
