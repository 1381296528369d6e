"""The push channel's watcher: one per server process, fanning committed changes out to subscribers.

A subscriber is one open event stream (GET /api/v1/events) of a signed-in device, with the audience keys
of its user. The watcher thread wakes up when this process commits a change (publish.py calls `wake()`
after the commit) and otherwise reads `feed_counter` every `poll` seconds, so changes committed by other
server processes reach it too. For new change rows it wakes each subscriber whose keys meet a row's audience
before or after the change (what they may see changed, or something they saw left them) with the newest
such sequence number -- except for rows that record a device's own push (`Change.device_id`: the
annotations it pushed, which it holds as the server answered them): those do not wake that device's
streams (the same user's other devices are woken). Keys are recomputed when memberships, organizations
or persons changed, and every `REFRESH_SECONDS` (e-file shares, memberships ending by date); a subscriber
whose device was revoked or whose access token expired is ended then. `close()` (the server stopping)
ends every stream.

Bounds (so that looping connects cannot burn the server's time): a reconnect with a Last-Event-ID reads
at most `events_max_lookback` change rows (one query); further behind, the client is sent an event at once
without looking and pulls the feed, which is always correct. A device holds at most
`events_max_streams_per_device` streams: a further one closes the device's oldest stream (rather than
refusing the new one: a client that lost its network reconnects while the server still holds its dead
stream until the next ping fails, and must not be locked out).

The thread runs only while somebody listens.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.context import ServerContext
from sync.server.feed import last_seq
from sync.server.models import Change, Device, User, utcnow

log = logging.getLogger("gremalda.server.events")

REFRESH_SECONDS = 30.0
PAGE = 5000
_KEY_KINDS = {int(Kind.MEMBERSHIP), int(Kind.ORGANIZATION), int(Kind.PERSON)}


_watchers: weakref.WeakSet[ChangeWatcher] = weakref.WeakSet()


def committed() -> None:
    """Called after a transaction that wrote change rows committed (in this process)."""
    for watcher in list(_watchers):
        watcher.wake()


CLOSED = -1  # what Subscriber.next answers when the stream must end
_opened = itertools.count(1)


@dataclass(eq=False)
class Subscriber:
    user_id: int
    device_id: int
    keys: frozenset[str]
    loop: asyncio.AbstractEventLoop
    sent: int = 0  # the newest sequence number announced
    pending: int = 0  # the newest relevant sequence number known
    closed: bool = False
    forced: bool = False
    opened: int = field(default_factory=lambda: next(_opened))  # order of subscription (oldest first)
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def notify(self, seq: int, *, force: bool = False) -> None:
        """From any thread: there is a relevant change up to `seq` (`force`: announce even if not newer,
        when what the subscriber may see changed without a change row of theirs)."""
        self._call(self._deliver, seq, force)

    def end(self) -> None:
        """From any thread: the stream must end."""
        self._call(self.close_now)

    def _call(self, fn: Callable[..., None], *args: object) -> None:
        try:
            self.loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is gone: nobody is listening any more
            self.closed = True

    def _deliver(self, seq: int, force: bool) -> None:
        if seq > self.pending:
            self.pending = seq
        self.forced = self.forced or force
        self._event.set()

    def close_now(self) -> None:
        """On the subscriber's loop: end the stream."""
        self.closed = True
        self._event.set()

    async def next(self, timeout: float) -> int | None:
        """The sequence number to announce, None after `timeout` seconds of quiet, CLOSED at the end."""
        deadline = time.monotonic() + timeout
        while True:
            if self.closed:
                return CLOSED
            if self.pending > self.sent or self.forced:
                self.sent, self.forced = max(self.sent, self.pending), False
                return self.sent
            self._event.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return None


class ChangeWatcher:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.poll = ctx.settings.events_poll_seconds
        self.max_lookback = max(0, ctx.settings.events_max_lookback)
        self.max_per_device = max(1, ctx.settings.events_max_streams_per_device)
        self._lock = threading.Lock()
        self._subscribers: set[Subscriber] = set()
        self._wakeup = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._position = 0
        self._refreshed = 0.0
        _watchers.add(self)

    @property
    def closed(self) -> bool:
        return self._closed

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def subscribe(
        self, user: User, device: Device, keys: frozenset[str], after: int, loop: asyncio.AbstractEventLoop
    ) -> Subscriber:
        """A new subscriber (on `loop`); blocks briefly to read the feed counter when the thread starts.
        When the device already holds `events_max_streams_per_device` streams, its oldest ones end."""
        sub = Subscriber(user.id, device.id, keys, loop, sent=after, pending=after)
        evicted: list[Subscriber] = []
        with self._lock:
            if self._closed:
                sub.closed = True
                return sub
            same = sorted((s for s in self._subscribers if s.device_id == device.id), key=lambda s: s.opened)
            evicted = same[: max(0, len(same) - self.max_per_device + 1)]
            self._subscribers.difference_update(evicted)
            self._subscribers.add(sub)
            if self._thread is None:
                with self.ctx.sessions() as session:
                    self._position = last_seq(session)
                self._refreshed = time.monotonic()
                self._thread = threading.Thread(target=self._run, name="gremalda-events", daemon=True)
                self._thread.start()
        for old in evicted:
            log.info("device %s opened another event stream: its oldest one ends", device.id)
            old.end()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)
        self._wakeup.set()  # lets the thread end when that was the last one

    def wake(self) -> None:
        self._wakeup.set()

    def close(self) -> None:
        """The server is stopping: end every stream and the thread."""
        with self._lock:
            self._closed = True
            subscribers, self._subscribers = list(self._subscribers), set()
            thread = self._thread
        for sub in subscribers:
            sub.end()
        self._wakeup.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def relevant_since(self, after: int, keys: frozenset[str], device_id: int | None = None) -> int | None:
        """The newest change after `after` the keys may notice, None if there is none (a row recording the
        own push of device `device_id` does not count for it). Reads at most
        `events_max_lookback` change rows: further behind, the newest change is answered without looking
        (the client pulls the feed and finds out)."""
        with self.ctx.sessions() as session:
            last = last_seq(session)
            if after >= last:
                return last if after > last else None  # ahead of this server: let the client look
            if last - after > self.max_lookback:
                return last
            rows = session.execute(
                select(Change.seq, Change.before, Change.after, Change.device_id)
                .where(Change.seq > after, Change.seq <= last)
                .order_by(Change.seq.desc())
                .limit(self.max_lookback)
            ).all()
            for seq, before, after_audience, origin in rows:  # newest first: the first that concerns them
                if origin is not None and origin == device_id:
                    continue
                if (aud.decode(before) | aud.decode(after_audience)) & keys:
                    return int(seq)
            return None

    # the thread

    def _run(self) -> None:
        while True:
            self._wakeup.wait(self.poll)
            self._wakeup.clear()
            with self._lock:
                if self._closed or not self._subscribers:
                    self._thread = None
                    return
            try:
                self._step()
            except Exception:  # the database may be away for a moment: try again at the next poll
                log.warning("the change watcher could not read the feed", exc_info=True)

    def _step(self) -> None:
        with self.ctx.sessions() as session:
            last = last_seq(session)
            touched_keys: dict[str, int] = {}  # every row's keys (the key refresh looks at them all)
            woken = Touched()
            key_change = False
            position = self._position
            if last < position:  # the database was replaced: tell everybody to look
                position = last
                with self._lock:
                    subscribers = list(self._subscribers)
                for sub in subscribers:
                    sub.notify(max(last, sub.sent + 1))
            while position < last:
                rows = session.execute(
                    select(Change.seq, Change.kind, Change.before, Change.after, Change.device_id)
                    .where(Change.seq > position)
                    .order_by(Change.seq)
                    .limit(PAGE)
                ).all()
                if not rows:
                    break
                for seq, kind, before, after, origin in rows:
                    keys = aud.decode(before) | aud.decode(after)
                    for key in keys:
                        touched_keys[key] = int(seq)  # ascending: the newest wins
                    woken.add(int(seq), keys, origin)
                    key_change = key_change or int(kind) in _KEY_KINDS
                position = int(rows[-1][0])
            self._position = position
            if key_change or time.monotonic() - self._refreshed > REFRESH_SECONDS:
                self._refresh(session, touched_keys)
        if touched_keys:
            self._dispatch(woken)

    def _refresh(self, session: Session, touched: dict[str, int]) -> None:
        """Recomputes every subscriber's keys; wakes those whose keys changed, ends revoked devices."""
        self._refreshed = time.monotonic()
        with self._lock:
            subscribers = list(self._subscribers)
        users = {
            u.id: u
            for u in session.scalars(select(User).where(User.id.in_({s.user_id for s in subscribers})))
        }
        devices = {
            d.id: d
            for d in session.scalars(select(Device).where(Device.id.in_({s.device_id for s in subscribers})))
        }
        today, now = date.today(), utcnow()
        computed: dict[int, frozenset[str]] = {}
        for sub in subscribers:
            user, device = users.get(sub.user_id), devices.get(sub.device_id)
            if (
                user is None
                or device is None
                or device.revoked_at is not None
                or device.access_expires <= now
            ):
                sub.end()
                continue
            if user.id not in computed:
                computed[user.id] = aud.user_keys(session, user, today)
            keys = computed[user.id]
            if keys != sub.keys:
                # what they may see changed (a membership, a share, a date): they should look, even
                # without a change row of theirs; the rows of this round count with the keys they had too
                newest = max((touched[k] for k in sub.keys if k in touched), default=0)
                sub.keys = keys
                sub.notify(newest, force=True)

    def _dispatch(self, woken: Touched) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for sub in subscribers:
            newest = woken.newest_for(sub.keys, sub.device_id)
            if newest > sub.sent:
                sub.notify(newest)


def _newest(touched: dict[str, int], keys: frozenset[str]) -> int:
    small, large = (keys, touched) if len(keys) < len(touched) else (touched, keys)
    return max((touched[k] for k in small if k in large), default=0)


@dataclass
class Touched:
    """The audience keys one round of change rows touched, each with the newest row's sequence number:
    rows of anybody's changes, and apart from them the rows recording a device's own push (by device)."""

    rows: dict[str, int] = field(default_factory=dict)
    pushed: dict[int, dict[str, int]] = field(default_factory=dict)

    def add(self, seq: int, keys: frozenset[str], device_id: int | None) -> None:
        into = self.rows if device_id is None else self.pushed.setdefault(device_id, {})
        for key in keys:
            into[key] = seq  # ascending: the newest wins

    def newest_for(self, keys: frozenset[str], device_id: int) -> int:
        """The newest row the keys may notice, not counting the device's own pushes."""
        newest = _newest(self.rows, keys)
        for origin, touched in self.pushed.items():
            if origin != device_id:
                newest = max(newest, _newest(touched, keys))
        return newest
