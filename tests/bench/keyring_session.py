"""Benchmarks whose client needs a real OS keyring run inside `.ci/with-keyring` (a private D-Bus
session with an unlocked gnome-keyring), re-executing themselves there when started outside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYRING_ENV = "GREMALDA_IN_KEYRING_SESSION"  # set by .ci/with-keyring


def reexec_in_keyring(script: str) -> None:
    """Run `script` (the benchmark's __file__) again inside .ci/with-keyring, unless already there."""
    if os.environ.get(KEYRING_ENV) == "1":
        return
    print(
        "re-running inside .ci/with-keyring (a private D-Bus session with an unlocked gnome-keyring)",
        file=sys.stderr,
        flush=True,
    )
    sys.stdout.flush()
    wrapper = ROOT / ".ci" / "with-keyring"
    os.execv("/bin/sh", ["sh", str(wrapper), sys.executable, str(Path(script).resolve()), *sys.argv[1:]])
