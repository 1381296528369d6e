"""`.ci/with-keyring` keeps the keyring usable when its gnome-keyring daemon dies mid-run: D-Bus
re-activates a daemon on the same keyring directory, unlocked with the same password, holding the same
keys (a CI run once lost its daemon and got a fresh one on a locked keyring: "No keyring available").

The test starts a private session of its own (a nested `.ci/with-keyring`) and kills only the daemon of
that session: the one owning org.freedesktop.secrets on that session's private bus, checked to run with
that session's XDG_RUNTIME_DIR before it is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRETS = "org.freedesktop.secrets"


def _bus_call(method: str, signature: str, *args: str) -> object:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    name = "org.freedesktop.DBus"
    bus = DBusAddress("/org/freedesktop/DBus", bus_name=name, interface=name)
    with open_dbus_connection(bus="SESSION") as conn:
        reply = conn.send_and_get_reply(new_method_call(bus, method, signature, args))
    return reply.body[0]


def _own_daemon() -> int:
    """The pid of the process owning org.freedesktop.secrets on this session's private bus, after
    checking it is a gnome-keyring-daemon of this session (its XDG_RUNTIME_DIR is ours)."""
    pid = int(str(_bus_call("GetConnectionUnixProcessID", "s", SECRETS)))
    comm = Path(f"/proc/{pid}/comm").read_text().strip()
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    ours = f"XDG_RUNTIME_DIR={os.environ['XDG_RUNTIME_DIR']}".encode()
    if not comm.startswith("gnome-keyring") or ours not in environ:
        raise RuntimeError(f"pid {pid} ({comm}) is not this session's keyring daemon; not killing it")
    return pid


def inside_session(data_dir: str) -> None:
    """Runs inside the nested session: a key, the daemon killed, the key read back and a new one made."""
    from gremalda.store.keys import DATABASE_KEY, VAULT_KEY, get_or_create_key

    if os.environ.get("GREMALDA_IN_KEYRING_SESSION") != "1":
        raise RuntimeError("not inside .ci/with-keyring")
    before = get_or_create_key(DATABASE_KEY, Path(data_dir), create=True)
    first = _own_daemon()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while _bus_call("NameHasOwner", "s", SECRETS):  # the bus notices the daemon is gone
        if time.monotonic() > deadline:
            raise RuntimeError("the killed keyring daemon still owns its bus name")
        time.sleep(0.05)
    after = get_or_create_key(DATABASE_KEY, Path(data_dir), create=False)  # activates a new daemon
    vault = get_or_create_key(VAULT_KEY, Path(data_dir), create=True)
    second = _own_daemon()
    print(json.dumps({"first": first, "second": second, "same_key": after == before, "new_key": len(vault)}))


def test_the_keyring_survives_its_daemon_being_killed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GREMALDA_IN_KEYRING_SESSION"}
    code = f"from {__name__} import inside_session; inside_session({str(tmp_path)!r})"
    done = subprocess.run(
        ["sh", str(ROOT / ".ci" / "with-keyring"), sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["first"] != report["second"]
    assert report["same_key"] is True
    assert report["new_key"] == 32
