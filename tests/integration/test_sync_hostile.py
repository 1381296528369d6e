"""A hostile or broken server (issue requirement 7): the sync engine against the real server behind the
fault-injecting proxy on loopback.

Truncated bodies, damaged bytes, malformed JSON, HTML error pages with status 200, 5xx, resets, stalls
(timeouts) and a slow trickle, on the change feed and on document downloads: a fault that goes away is
retried (the pass completes, the replica equals the server); a fault that stays is reported clearly (the
pass fails with a message for people when the feed is broken; a document that cannot be fetched is
listed in the report's failures), and the replica never holds a damaged document: after every test its
database passes the integrity check and every document it calls complete decrypts to its sha256.

The engine runs in this process (a `SyncEngine` with the replica's stored sign-in and a generous client
timeout, a short one in the tests where a stall must time out, or `synchronise` as the CLI calls it); two
tests run the real `gremalda sync`: against a proxy that answers the feed with an HTML page, and one that
answers a document with one.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gremalda.core.account import sign_in, sync_error
from gremalda.core.syncing import synchronise
from gremalda.errors import GremaldaError, SyncFailed
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import Store, StoreReplica, open_store
from sync.client import SyncClientError
from sync.engine import Cancelled, Phase, Progress, RetryPolicy, SyncEngine, SyncReport
from tests.harness.faultproxy import Fault, FaultKind, FaultProxy
from tests.integration.live import LiveServer, live_server
from tests.integration.syncworld import (
    MIB,
    REPO,
    Corpus,
    assert_replica_equals_server,
    assert_replica_sound,
    client_data_dir,
    file_rows,
    real_pdfs,
    replica_api,
)
from tests.integration.world import PASSWORD, build_world

QUICK = RetryPolicy(attempts=4, base=0.01, cap=0.05)
# The client's timeout in the tests where the proxy stalls (elsewhere a generous one). The engine has one
# timeout for every request of its pass, so the other requests get it too: short enough that the stalls
# cost little, long enough that a loaded machine's late answer (with the retries) is not taken for one.
STALL_TIMEOUT = 2.0
TIMEOUT = 30.0
CHANGES = r"/api/v1/changes$"
PAGE = 5  # change-feed page size: the member's snapshot takes several pages


def _timeout(fault: Fault) -> float:
    return STALL_TIMEOUT if fault.kind is FaultKind.STALL else TIMEOUT


@dataclass
class Docs:
    """The corpus and the documents the tests aim at."""

    corpus: Corpus
    big: int  # resumable (from 4 MiB), six 1 MiB chunks: a cut-off download is resumed
    bigger: int
    small: int

    def path(self, file_id: int) -> str:
        return rf"/api/v1/files/{file_id}/content$"


def _make_docs(server: LiveServer, seed: int) -> Docs:
    rng = random.Random(seed)
    corpus = Corpus.of(server, build_world(server.ctx))
    big = corpus.add(rng.randbytes(5 * MIB + 12_345), "Haushaltsplan 2025")
    bigger = corpus.add(rng.randbytes(2 * MIB + 777), "Bebauungsplan Nr. 12")
    small = corpus.add(rng.randbytes(150_000), "Anlage klein")
    corpus.add_random(rng, 2, 10_000, 200_000)
    for name, data in real_pdfs(max_bytes=100_000)[-1:]:
        corpus.add_pdf(data, name.removesuffix(".pdf"))
    return Docs(corpus, big, bigger, small)


@pytest.fixture(scope="module")
def module_docs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Docs]:
    """A server the tests only read from."""
    tmp = tmp_path_factory.mktemp("server")
    with live_server(tmp, f"sqlite:///{tmp}/server.sqlite3") as server:
        yield _make_docs(server, 7)


@pytest.fixture
def own_docs(tmp_path: Path) -> Iterator[Docs]:
    """A server of the test's own, for tests that change it."""
    tmp = tmp_path / "server"
    tmp.mkdir()
    with live_server(tmp, f"sqlite:///{tmp}/server.sqlite3") as server:
        yield _make_docs(server, 11)


@dataclass
class Client:
    """A replica signed in as the member through the fault proxy."""

    paths: DataPaths
    proxy: FaultProxy
    docs: Docs

    def run(
        self,
        retry: RetryPolicy = QUICK,
        *,
        timeout: float = TIMEOUT,
        stop: threading.Event | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> SyncReport:
        """One pass of the engine (no indexing) with a client timeout of `timeout` s; the replica is
        checked afterwards, whatever the pass did."""
        with open_store(self.paths) as store:
            api = replica_api(store, timeout=timeout)
            try:
                engine = SyncEngine(
                    api, StoreReplica(store), retry=retry, page_limit=PAGE, stop=stop, progress=progress
                )
                return engine.run_once()
            finally:
                api.close()
                assert_replica_sound(store)

    def fails(self, retry: RetryPolicy = QUICK, *, timeout: float = TIMEOUT) -> GremaldaError:
        """A pass that must fail: the error as the client shows it (as `synchronise` converts it)."""
        with pytest.raises(SyncClientError) as info:
            self.run(retry, timeout=timeout)
        return sync_error(info.value)

    def store(self) -> Store:
        return open_store(self.paths)

    def assert_equals_server(self) -> None:
        with self.store() as store:
            assert_replica_equals_server(store, self.docs.corpus)


def _client(tmp_path: Path, docs: Docs) -> Iterator[Client]:
    with client_data_dir(tmp_path / "client") as data_dir, FaultProxy(docs.corpus.server.url) as proxy:
        paths = data_paths(data_dir)
        sign_in(paths, proxy.url, "member", PASSWORD, device_name="hostile network")
        yield Client(paths, proxy, docs)
        with open_store(paths) as store:  # whatever the test did: nothing damaged is kept
            assert_replica_sound(store)


@pytest.fixture
def client(tmp_path: Path, module_docs: Docs) -> Iterator[Client]:
    yield from _client(tmp_path, module_docs)


@pytest.fixture
def own_client(tmp_path: Path, own_docs: Docs) -> Iterator[Client]:
    yield from _client(tmp_path, own_docs)


def _assert_not_stored(client: Client, file_id: int, *, partial_allowed: bool = False) -> None:
    """The document is not in the replica as complete, and the vault holds no committed copy of it."""
    with client.store() as store:
        rows = assert_replica_sound(store)
        row = rows[str(file_id)]
        assert row.state != "complete" and row.vault_version is None, row
        assert all(fid != str(file_id) for fid, _ in store.vault.list())
        if not partial_allowed:  # no bytes of it kept (see test_a_failed_download_leaves_no_vault_file)
            assert store.vault.partial_size(str(file_id), 1) == 0
        others = [r for r in rows.values() if r.id != str(file_id)]
        assert others and all(r.state == "complete" for r in others)


# ------------------------------------------------------------------------------------- the feed

FEED_TRANSIENT = {
    "500": Fault.status_code(
        500, body=b"<html><h1>Internal Server Error</h1></html>", content_type="text/html"
    ),
    "502": Fault.status_code(502, body=b"<html>Bad Gateway</html>", content_type="text/html"),
    "503-retry-after": Fault.status_code(503, headers={"Retry-After": "0"}),
    "reset": Fault.reset(),
    "reset-mid-body": Fault.reset(after=40),
    "truncated": Fault.truncate(after=40),
    "stall": Fault.stall(),
}


FEED_WHERE = [(name, "first page") for name in FEED_TRANSIENT] + [
    (name, "third page") for name in ("502", "truncated")
]


@pytest.mark.parametrize(("fault", "where"), FEED_WHERE, ids=[f"{f}-{w.split()[0]}" for f, w in FEED_WHERE])
def test_a_passing_feed_fault_is_retried(client: Client, fault: str, where: str) -> None:
    if where == "third page":  # the snapshot is under way: two pages were applied
        client.proxy.inject(Fault.passthrough(), path=CHANGES, times=2)
    client.proxy.inject(FEED_TRANSIENT[fault], path=CHANGES, times=2)
    report = client.run(timeout=_timeout(FEED_TRANSIENT[fault]))
    assert report.complete and report.snapshot and report.retries >= 2  # more: a slow machine timed out
    assert report.requests >= 3  # several pages
    client.assert_equals_server()


FEED_BROKEN = {
    "html-200": (Fault.html_200(), ["HTML page", "is the address right", "login page"]),
    "malformed-json": (Fault.malformed_json(), ["broken JSON"]),
    "500": (Fault.status_code(500), ["The server had a problem (HTTP 500)", "try again"]),
    "503": (Fault.status_code(503), ["The server is busy (HTTP 503)", "try again"]),
    "reset": (Fault.reset(), ["closed the connection", "Check the network connection"]),
    "truncated": (Fault.truncate(after=40), ["closed the connection", "Check the network connection"]),
    "stall": (Fault.stall(), ["did not answer in time", "Check the network connection"]),
}


@pytest.mark.parametrize(("fault", "message"), FEED_BROKEN.values(), ids=FEED_BROKEN.keys())
def test_a_broken_feed_fails_the_pass_with_a_clear_message(
    client: Client, fault: Fault, message: list[str]
) -> None:
    client.proxy.inject(fault, path=CHANGES)
    error = client.fails(RetryPolicy(attempts=3, base=0.01, cap=0.05), timeout=_timeout(fault))
    assert isinstance(error, SyncFailed) and error.title == "Synchronisation failed"
    for words in message:
        assert words in error.message
    assert "Traceback" not in error.message and len(error.message) < 400
    with client.store() as store:
        assert store.state("cursor") is None and store.state("last_sync") is None
        assert file_rows(store) == {} and store.vault.list() == []
    client.proxy.clear()  # the server is back: the next pass completes
    assert client.run().complete
    client.assert_equals_server()


def test_a_server_asking_to_come_back_in_an_hour_does_not_hold_the_pass(client: Client) -> None:
    client.proxy.inject(Fault.status_code(503, headers={"Retry-After": "3600"}), path=CHANGES)
    stop = threading.Event()
    outcome: list[BaseException | SyncReport] = []

    def run() -> None:
        try:
            outcome.append(client.run(stop=stop))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name="hostile-sync")
    thread.start()
    try:
        thread.join(60)  # it ends by itself: at once, or late on a loaded machine, but not in an hour
        stuck = thread.is_alive()
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive() and len(outcome) == 1
    assert not stuck, "the pass waits for an hour, as the server asked"
    assert isinstance(outcome[0], SyncClientError)
    assert "The server is busy (HTTP 503)" in sync_error(outcome[0]).message


def test_broken_feed_through_synchronise(client: Client) -> None:
    """`synchronise` (what the CLI and the desktop call) turns the engine's error into SyncFailed."""
    client.proxy.inject(Fault.html_200(), path=CHANGES)
    with pytest.raises(SyncFailed, match="HTML page") as info:
        synchronise(client.paths, retry=QUICK, index=False)
    assert info.value.detail is not None and "ServerProtocolError" in info.value.detail
    assert client.proxy.seen(CHANGES) == 1  # not retried: an HTML page does not go away by itself


def test_a_feed_that_breaks_mid_snapshot_keeps_what_was_applied(client: Client) -> None:
    client.proxy.inject(Fault.passthrough(), path=CHANGES, times=2)
    client.proxy.inject(Fault.malformed_json(), path=CHANGES)
    error = client.fails()
    assert "broken JSON" in error.message
    with client.store() as store:
        # two pages were applied (each its own transaction) and are kept; the snapshot is unfinished
        rows = store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0]
        assert rows == 2 * PAGE
        assert store.state("cursor") is not None and store.state("snapshot") == "1"
    client.proxy.clear()
    report = client.run()  # goes on from the stored cursor, and finishes the snapshot
    assert report.complete and report.upserts == len(client.docs.corpus.member_view()) - 2 * PAGE
    client.assert_equals_server()


# ---------------------------------------------------------------------------------- the documents


def test_a_cut_off_download_is_resumed(client: Client) -> None:
    big = client.docs.big
    client.proxy.inject(Fault.truncate(after=MIB + MIB // 2), path=client.docs.path(big), times=1)
    report = client.run()
    assert report.complete and report.retries == 1 and report.files_resumed == 1
    assert client.proxy.seen(client.docs.path(big)) == 2
    total = sum(len(d) for d in client.docs.corpus.contents.values())
    # the resumed request fetched the rest after the kept chunk: 1.5 MiB were received, 1 MiB kept
    assert report.bytes_downloaded == total + MIB // 2
    client.assert_equals_server()


TRANSIENT = {
    "truncated-early": Fault.truncate(after=100),
    "reset-at-once": Fault.reset(),
    # an RST makes the client's kernel drop what it had not read yet: whether a whole chunk arrived
    # to be kept for a resume is up to timing
    "reset-mid-body": Fault.reset(after=MIB + MIB // 2),
    "corrupt": Fault.corrupt(),
    "500": Fault.status_code(500),
    "503": Fault.status_code(503, headers={"Retry-After": "0"}),
    "stall": Fault.stall(),
}


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_a_passing_download_fault_is_retried(client: Client, fault: Fault) -> None:
    big, bigger = client.docs.big, client.docs.bigger
    client.proxy.inject(fault, path=client.docs.path(big), times=2)
    client.proxy.inject(fault, path=client.docs.path(bigger), times=1)
    report = client.run(timeout=_timeout(fault))
    assert report.complete and report.retries >= 3  # more: a slow machine timed out
    assert client.proxy.seen(client.docs.path(big)) >= 3
    client.assert_equals_server()


def test_a_download_cut_off_every_time_goes_on_chunk_by_chunk(client: Client) -> None:
    big = client.docs.big  # 5 MiB + a bit: each try keeps two more chunks
    client.proxy.inject(Fault.truncate(after=2 * MIB + 1000), path=client.docs.path(big))
    report = client.run(RetryPolicy(attempts=4, base=0.01, cap=0.05))
    assert report.complete and report.files_resumed == 1
    assert client.proxy.seen(client.docs.path(big)) == 3
    client.assert_equals_server()


BROKEN = {
    "corrupt": (Fault.corrupt(), "The downloaded file is damaged (its checksum does not match).", False),
    "html-200": (Fault.html_200(), "HTML page instead of the document", False),
    "malformed-json": (Fault.malformed_json(), "it may have changed: sync again", False),
    "500": (Fault.status_code(500), "The server had a problem (HTTP 500); sync will try again.", False),
    "404": (Fault.status_code(404), "no longer available on the server", False),
    "reset": (Fault.reset(), "closed the connection", False),
    "stall": (Fault.stall(), "did not answer in time", False),
    "truncated-early": (Fault.truncate(after=1000), "The download stopped after", False),
    "truncated-mid-body": (Fault.truncate(after=MIB + 10), "The download stopped after", True),
}


@pytest.mark.parametrize(("fault", "message", "kept"), BROKEN.values(), ids=BROKEN.keys())
def test_a_document_that_cannot_be_fetched_is_reported_and_not_stored(
    client: Client, fault: Fault, message: str, kept: bool
) -> None:
    big = client.docs.big
    client.proxy.inject(fault, path=client.docs.path(big))
    report = client.run(RetryPolicy(attempts=3, base=0.01, cap=0.05), timeout=_timeout(fault))
    assert [(f.file_id, f.name) for f in report.failures] == [(str(big), "Haushaltsplan 2025.bin")]
    assert message in report.failures[0].message
    assert report.files_downloaded == len(client.docs.corpus.contents) - 1
    _assert_not_stored(client, big, partial_allowed=kept)
    with client.store() as store:
        assert store.state("last_sync") is None  # not a complete pass
        row = file_rows(store)[str(big)]
        if kept:  # whole chunks of the cut-off download, for a resume
            assert row.state == "partial" and row.received > 0 and row.received % MIB == 0, row
            assert store.vault.partial_size(str(big), 1) == row.received
        else:
            assert (row.state, row.received) == ("missing", 0), row
    client.proxy.clear()  # the server is healthy again: the next pass fetches it (resumed if kept)
    again = client.run()
    assert again.complete and again.files_downloaded == 1 and again.files_resumed == int(kept)
    client.assert_equals_server()


def test_a_slow_trickle_completes(client: Client) -> None:
    big = client.docs.big
    # the big one takes longer than the client's timeout (5 MiB at 800 kB/s: 6.6 s), but data keeps coming:
    # no read times out (the timeout is generous enough for a loaded machine's late answers)
    client.proxy.inject(Fault.trickle(800_000), path=client.docs.path(big))
    client.proxy.inject(Fault.trickle(50_000), path=CHANGES)
    report = client.run(timeout=5.0)
    assert report.complete and report.retries == 0
    client.assert_equals_server()


def test_a_slow_trickle_can_be_stopped_and_is_resumed(client: Client) -> None:
    big = client.docs.big
    client.proxy.inject(Fault.trickle(MIB), path=client.docs.path(big))
    size = len(client.docs.corpus.contents[big])
    stop = threading.Event()

    def progress(state: Progress) -> None:  # stop once the others are done and the big one is half-way
        others_done = state.phase is Phase.FILES and state.files_done == state.files_total - 1
        if others_done and state.bytes_done >= state.bytes_total - size + MIB + MIB // 2:
            stop.set()

    with pytest.raises(Cancelled):
        client.run(stop=stop, progress=progress)
    _assert_not_stored(client, big, partial_allowed=True)
    with client.store() as store:
        assert store.vault.list_partial() == [(str(big), 1)]
        kept = store.vault.partial_size(str(big), 1)
        assert kept >= MIB and kept % MIB == 0
    client.proxy.clear()
    report = client.run()
    assert report.complete and report.files_resumed == 1
    assert report.bytes_downloaded == len(client.docs.corpus.contents[big]) - kept
    client.assert_equals_server()


def test_a_failed_download_leaves_no_vault_file(client: Client) -> None:
    big = client.docs.big
    client.proxy.inject(Fault.corrupt(), path=client.docs.path(big))
    report = client.run(RetryPolicy(attempts=2, base=0.01, cap=0.05))
    assert [f.file_id for f in report.failures] == [str(big)]
    with client.store() as store:
        assert store.vault.partial_size(str(big), 1) == 0  # no bytes: that holds
        assert list((store.paths.vault / "partial").iterdir()) == []


def test_stop_ends_a_pass_stuck_in_a_trickling_download_soon(client: Client) -> None:
    big = client.docs.big
    path = client.docs.path(big)
    client.proxy.inject(Fault.trickle(20_000), path=path)  # 5 MiB: more than 4 minutes
    stop = threading.Event()
    outcome: list[BaseException | SyncReport] = []

    def run() -> None:
        try:
            outcome.append(client.run(stop=stop))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name="hostile-sync")
    thread.start()
    try:
        deadline = time.monotonic() + 120  # polled: until the big one trickles
        while client.proxy.seen(path) == 0 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert client.proxy.seen(path) == 1
        stop.set()
        thread.join(60)  # long before the rest of the file could come, even on a loaded machine
        stuck = thread.is_alive()
    finally:
        client.proxy.stop()  # drops the connection: a stuck pass ends now
        thread.join(60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled), outcome
    assert not stuck, "the pass went on for more than 60 s after it was asked to stop"


# ----------------------------------------------------------------- a server that serves wrong bytes


def _tamper(path: Path, at: int) -> bytes:
    """Flip one byte of a blob in the server's store (the server serves it unchecked); returns the
    original bytes."""
    original = path.read_bytes()
    damaged = bytearray(original)
    damaged[at] ^= 0xFF
    path.chmod(0o600)
    path.write_bytes(bytes(damaged))
    return original


def test_a_server_serving_wrong_bytes_never_gets_them_stored(own_client: Client) -> None:
    docs = own_client.docs
    big, small = docs.big, docs.small
    blob = docs.corpus.blob_path(big)
    original = _tamper(blob, len(docs.corpus.contents[big]) // 2)
    docs.corpus.blob_path(small).write_bytes(docs.corpus.contents[small][:-10])  # shorter than announced

    report = own_client.run()
    failures = {f.file_id: f.message for f in report.failures}
    assert set(failures) == {str(big), str(small)}
    assert failures[str(big)] == "The downloaded file is damaged (its checksum does not match)."
    assert "150000 were expected" in failures[str(small)]
    assert report.retries == QUICK.attempts - 1  # damage in transit may go away: retried; a size, not
    with own_client.store() as store:
        rows = assert_replica_sound(store)
        for file_id in (big, small):
            assert rows[str(file_id)].state != "complete"
            assert all(fid != str(file_id) for fid, _ in store.vault.list())
            assert store.vault.partial_size(str(file_id), 1) == 0

    blob.write_bytes(original)
    docs.corpus.blob_path(small).write_bytes(docs.corpus.contents[small])
    assert own_client.run().complete
    own_client.assert_equals_server()


def test_a_resume_onto_changed_bytes_is_caught(own_client: Client) -> None:
    """The server's bytes change under the same ETag after a download was cut off: the resumed rest does
    not fit the kept part; the checksum catches it and nothing damaged is stored."""
    docs = own_client.docs
    big = docs.big
    own_client.proxy.inject(Fault.truncate(after=MIB + MIB // 2), path=docs.path(big), times=1)
    first = own_client.run(RetryPolicy(attempts=1, base=0.01, cap=0.05))
    assert [f.file_id for f in first.failures] == [str(big)]
    _assert_not_stored(own_client, big, partial_allowed=True)

    blob = docs.corpus.blob_path(big)
    original = _tamper(blob, 2 * MIB + 5)  # after the kept chunk
    second = own_client.run(RetryPolicy(attempts=2, base=0.01, cap=0.05))
    assert [f.message for f in second.failures] == [
        "The downloaded file is damaged (its checksum does not match)."
    ]
    assert second.files_resumed == 1
    _assert_not_stored(own_client, big)

    blob.write_bytes(original)
    assert own_client.run().complete
    own_client.assert_equals_server()


def test_new_content_while_a_download_is_unfinished_is_fetched_afresh(own_client: Client) -> None:
    """The document gets new content on the server while a cut-off download of the old content is kept:
    the kept bytes are of the old content and must not be continued with the new content's rest."""
    docs = own_client.docs
    big = docs.big
    own_client.proxy.inject(Fault.truncate(after=MIB + MIB // 2), path=docs.path(big), times=1)
    first = own_client.run(RetryPolicy(attempts=1, base=0.01, cap=0.05))
    assert [f.file_id for f in first.failures] == [str(big)]
    new = random.Random(3).randbytes(5 * MIB + 99)
    docs.corpus.replace(big, new)
    report = own_client.run(RetryPolicy(attempts=1, base=0.01, cap=0.05))
    assert report.failures == []  # the old bytes are no reason to fail (or to download twice)
    assert report.files_resumed == 0 and report.bytes_downloaded == len(new)
    own_client.assert_equals_server()
    with own_client.store() as store:
        assert hashlib.sha256(store.vault.read(str(big), 1)).hexdigest() == docs.corpus.sha256(big)


def test_a_torn_unfinished_download_of_old_content_fails_no_pass(own_client: Client) -> None:
    """A crash tore the last chunk of a kept download (2 MiB kept, the 2nd chunk half-written); then the
    document got new content on the server, and another document came. The next pass fetches both."""
    docs = own_client.docs
    big = docs.big
    own_client.proxy.inject(Fault.truncate(after=2 * MIB + MIB // 2), path=docs.path(big), times=1)
    first = own_client.run(RetryPolicy(attempts=1, base=0.01, cap=0.05))
    assert [f.file_id for f in first.failures] == [str(big)]
    partials = [p for p in (own_client.paths.vault / "partial").iterdir() if p.stat().st_size > MIB]
    assert len(partials) == 1
    with partials[0].open("r+b") as fh:  # what a kill -9 in the middle of writing chunk 1 leaves
        fh.truncate(partials[0].stat().st_size - (MIB + 16) + 1000)
    with own_client.store() as store:
        assert store.vault.partial_size(str(big), 1) == MIB
    docs.corpus.replace(big, random.Random(5).randbytes(5 * MIB + 99))
    docs.corpus.add(random.Random(6).randbytes(300_000), "Tischvorlage")
    report = own_client.run()
    assert report.complete and report.files_downloaded == 2
    own_client.assert_equals_server()


# ------------------------------------------------------------------------------------------ the CLI


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gremalda.app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def _cli_login(server_url: str, data_dir: Path) -> None:
    """`gremalda login` as the member, the password on stdin."""
    login = _cli(
        "login", "--server", server_url, "--user", "member", "--password-stdin", "--data-dir", str(data_dir),
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr


def test_cli_reports_a_server_answering_the_feed_with_an_html_page(tmp_path: Path, module_docs: Docs) -> None:
    with client_data_dir(tmp_path / "client") as data_dir, FaultProxy(module_docs.corpus.server.url) as proxy:
        _cli_login(proxy.url, data_dir)
        proxy.inject(Fault.html_200(), path=CHANGES)
        result = _cli("sync", "-q", "--no-index", "--data-dir", str(data_dir))
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.startswith("gremalda: Synchronisation failed: ")
        assert "HTML page" in result.stderr and "login page" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
        assert proxy.seen(CHANGES) == 1
        with open_store(data_dir) as store:
            assert_replica_sound(store)
            assert store.state("cursor") is None and file_rows(store) == {}


def test_cli_lists_a_document_it_could_not_fetch(tmp_path: Path, module_docs: Docs) -> None:
    big = module_docs.big
    with client_data_dir(tmp_path / "client") as data_dir, FaultProxy(module_docs.corpus.server.url) as proxy:
        _cli_login(proxy.url, data_dir)
        proxy.inject(Fault.html_200(), path=module_docs.path(big))
        result = _cli("sync", "-q", "--no-index", "--data-dir", str(data_dir))
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith("Synchronised: ")
        assert result.stderr.splitlines() == [
            "1 documents could not be downloaded; the next sync tries again:",
            f"  {big} Haushaltsplan 2025.bin: The server answered with an HTML page instead of the document; "
            "is a login page of the network in the way?",
        ]
        with open_store(data_dir) as store:
            assert_replica_sound(store)
            assert file_rows(store)[str(big)].state == "missing"
