#!/usr/bin/env bash
# `make demo`: the backend with the demo council on a loopback port, a demo client (the member
# "mitglied") signed in and synchronised, and the desktop window on the next meeting. Closing the
# window stops the backend. Extra arguments go to `gremalda gui` (e.g. --smoke-test shot.png).
#
# Environment: VENV (.venv), DATA_DIR (var/demo: the backend's data, seeded once, and again when the demo's
# seed has changed since: sync/server/demo/reseed.py), CLIENT_DIR
# (var/demo-client: made afresh each time), HOST (127.0.0.1), PORT (8765; 0: a free one), DEMO_USER
# (mitglied; the clerk: sitzungsdienst, who gets the clerk workspace).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DATA_DIR=${DATA_DIR:-var/demo}
CLIENT_DIR=${CLIENT_DIR:-var/demo-client}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8765}
DEMO_USER=${DEMO_USER:-mitglied}
URL="http://$HOST:$PORT"
say() { printf 'make demo: %s\n' "$*" >&2; }

# A window needs a display.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
  say "there is no display to open the window on. Run it on a virtual one:"
  say "  xvfb-run -a make demo"
  exit 1
fi

# The replica's keys live in the OS keyring (Secret Service). Without one on the session bus, use a
# private D-Bus session with its own unlocked gnome-keyring for this demo (its keys go when it ends,
# which is why the demo client is made afresh every time).
secret_service() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  local call="dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus"
  $call org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" ||
    $call org.freedesktop.DBus.ListActivatableNames 2>/dev/null | grep -q '"org.freedesktop.secrets"'
}
if [ "${GREMALDA_IN_KEYRING_SESSION:-}" != 1 ] && ! secret_service; then
  say "no Secret Service keyring on the session bus: using a private one for this demo (.ci/with-keyring)"
  exec .ci/with-keyring "$0" "$@"
fi

if [ "$PORT" != 0 ] && curl -sf -o /dev/null "$URL/health"; then
  say "something already answers on $URL (make server?). Stop it, or choose another port: make demo PORT=8766"
  exit 1
fi

mkdir -p "$(dirname "$DATA_DIR")" var
log=var/demo-server.log
where=$URL
[ "$PORT" != 0 ] || where="a free port on $HOST"
say "starting the backend on $where (the first start, or the first after the demo changed, seeds the demo council, which takes a minute; log: $log)"
"$VENV/bin/gremalda-server" --demo --data-dir "$DATA_DIR" --host "$HOST" --port "$PORT" >"$log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# the backend says where it listens once it does (with PORT=0, the port it was given)
for _ in $(seq 1 600); do
  if listening=$(grep -m1 '^gremalda-server: listening on ' "$log"); then
    URL=${listening#gremalda-server: listening on }
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    say "the backend stopped:"; tail -n 20 "$log" >&2; exit 1
  fi
  sleep 0.5
done
curl -sf -o /dev/null "$URL/health" || { say "the backend did not answer on $URL/health"; exit 1; }
[ "$PORT" != 0 ] || say "the backend listens on $URL"
# a demo seeded by older code was removed and seeded afresh (or kept, when not ours to remove): say so
if seeded=$(grep -m1 -e '^gremalda-server: demo reseeded:' -e '^gremalda-server: the demo in ' "$log"); then
  say "${seeded#gremalda-server: }"
  say "the demo client ($CLIENT_DIR) is made afresh below as at every start: it keeps nothing of the old demo"
fi

say "signing the demo user in ($DEMO_USER) and synchronising into $CLIENT_DIR"
"$VENV/bin/gremalda" logout --yes --data-dir "$CLIENT_DIR" >/dev/null 2>&1 || true
rm -rf "$CLIENT_DIR"
printf '%s\n' gremalda-demo |
  "$VENV/bin/gremalda" login --data-dir "$CLIENT_DIR" --server "$URL" --user "$DEMO_USER" --password-stdin --device-name "make demo"
"$VENV/bin/gremalda" sync --data-dir "$CLIENT_DIR"

say "opening the window (closing it stops the backend)"
"$VENV/bin/gremalda" gui --data-dir "$CLIENT_DIR" "$@"
