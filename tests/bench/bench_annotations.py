"""Benchmark of annotations (issue 5): pushing what was made offline, saving one, rendering a page with 200.

Run as ``make bench NAME=annotations`` or ``.venv/bin/python tests/bench/bench_annotations.py`` (``SMALL=1``
or ``--small`` for a quick run). The client keeps its keys in the OS keyring only, so the script re-executes
itself under ``.ci/with-keyring`` unless it already runs inside one.

1. Seeds a small council through the ORM (``sync.server.demo.bulk``: a few meetings, one document the
   member may see) and starts ``gremalda-server`` (uvicorn, SQLite) on 127.0.0.1 in a subprocess, pinned
   to one CPU and the client to the others where there are two or more (``PIN=0`` turns that off). Signs a
   fresh data directory in as the member and synchronises once (the replica and its keys are created).
2. **Push on reconnect**: 1,000 annotations (SMALL: 300) are saved with ``AnnotationStore.save`` while no
   sync runs (saving never touches the network: that is what offline means for it), each a highlight with
   its quote, or every fifth an ink stroke of 60 points. Then the time from "the network is back" until
   the server holds all of them: ``gremalda.core.syncing.push_changes`` as the desktop client's probe
   calls it (opening the replica with its keys from the keyring, connecting, the pushes, recording the
   answers). Checked afterwards in the server's database: every one stored, once. Reference in the same
   run, against the same server: the same number of other records of the same kinds and sizes posted
   by a bare ``httpx`` client in the same batches of 500, request bodies prepared beforehand (the
   server's raw batch time: the physical limit of pushing them). ``push_ratio`` = push / raw.
3. **Save latency**: 1,000 ``AnnotationStore.save`` calls on the real replica (SQLCipher, WAL, each the
   record and its outbox row in one transaction, as the viewer saves), timed one by one: p50 and p99.
   Reference: the same number of bare inserts of a row of the same size, each in its own ``BEGIN
   IMMEDIATE`` transaction, into a fresh SQLCipher database opened the same way.
4. **Rendering**: ``tests/bench/annotation_render.measure(small)`` (the viewer's figure: a page carrying
   200 annotations against the same page without, in the viewer's own page area).

Progress goes to stderr; one JSON line with the figures goes to stdout. Everything lives in a temp dir
under /tmp that is removed at the end; the replica's keys are deleted from the keyring. Only loopback
addresses are used. ``BENCH_TIMEOUT`` (seconds) bounds the run.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from gremalda.core.account import sign_in, sign_out  # noqa: E402
from gremalda.core.annotations.merge import create  # noqa: E402
from gremalda.core.annotations.records import Annotation, Kind, TextQuote, to_dict  # noqa: E402
from gremalda.core.annotations.store import AnnotationStore  # noqa: E402
from gremalda.core.syncing import push_changes, synchronise  # noqa: E402
from gremalda.paths import data_paths  # noqa: E402
from gremalda.store.database import open_database  # noqa: E402
from gremalda.store.replica import StoreReplica, account_user_id, open_store  # noqa: E402
from sync.server.demo.bulk import MEMBER_USERNAME, BulkOptions, add_files, seed_council  # noqa: E402
from sync.server.models.annotations import Annotation as ServerAnnotation  # noqa: E402
from sync.server.passwords import hash_password  # noqa: E402
from tests.bench.harness import cpu_plan, logger, our_server, percentile, pin, run_bench, server_data  # noqa: E402

PASSWORD = "bench-password-1"
BATCH = 500
SAVES = 1000
PUSH_TARGET = 3.0  # seconds
SAVE_P99_TARGET = 10.0  # ms
RENDER_RATIO_TARGET = 1.2
TIMEOUT = 900

log = logger("bench-annotations")


def record(rng: random.Random, device: str, author: str, file_id: str, n: int) -> Annotation:
    """A highlight with its quote, or (every fifth) an ink stroke of 60 points with pen pressure."""
    common: dict[str, Any] = {
        "file_id": file_id,
        "page": n % 4,
        "author_id": author,
        "author_name": "Mitglied",
        "colour": "#ffd700",
        "text": f"Rückfrage {n}: Größe der Übungsfläche prüfen",
    }
    if n % 5 == 4:
        x, y = rng.uniform(50, 400), rng.uniform(50, 700)
        stroke = tuple(
            (round(x + 2 * i, 2), round(y + rng.uniform(-3, 3), 2), round(rng.uniform(0.2, 0.9), 2))
            for i in range(60)
        )
        return create(device, now="2026-12-01T10:00:00+00:00", kind=Kind.INK, strokes=(stroke,), **common)
    top = rng.uniform(60, 700)
    quads = tuple(
        (72.0, top + 14 * i, 520.0, top + 14 * i, 72.0, top + 14 * i + 12, 520.0, top + 14 * i + 12)
        for i in range(2)
    )
    return create(
        device,
        now="2026-12-01T10:00:00+00:00",
        kind=Kind.HIGHLIGHT,
        quads=quads,
        quote=TextQuote("die Größe der Übungsfläche", prefix="Beschlussvorlage: ", suffix=" wird geprüft"),
        page_text_hash="0" * 64,
        **common,
    )


def server_count(sessions: Any, uuids: list[str]) -> tuple[int, int]:
    """(rows of these uuids, the highest version among them) in the server's database."""
    with sessions() as s:
        rows = 0
        top = 0
        for i in range(0, len(uuids), BATCH):
            chunk = uuids[i : i + BATCH]
            count, version = s.execute(
                select(func.count(), func.max(ServerAnnotation.version)).where(
                    ServerAnnotation.uuid.in_(chunk)
                )
            ).one()
            rows += int(count)
            top = max(top, int(version or 0))
        return rows, top


def raw_batches(url: str, token: str, bodies: list[bytes]) -> float:
    with httpx.Client(base_url=url, trust_env=False, timeout=120) as client:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        client.get("/api/v1/me", headers=headers)  # the connection is up, as the engine's is
        started = time.perf_counter()
        for body in bodies:
            r = client.post("/api/v1/annotations/batch", content=body, headers=headers)
            r.raise_for_status()
            if any(item["status"] != "ok" for item in r.json()["results"]):
                raise RuntimeError("the raw batch was not taken whole")
        return time.perf_counter() - started


def bare_inserts(tmp: Path, payload: str, count: int) -> list[float]:
    with open_database(tmp / "bare.db", os.urandom(32), create=True) as db:
        db.conn.execute("CREATE TABLE bare (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        times = []
        for _ in range(count):
            started = time.perf_counter()
            db.conn.execute("BEGIN IMMEDIATE")
            db.conn.execute("INSERT INTO bare (data) VALUES (?)", (payload,))
            db.conn.execute("COMMIT")
            times.append((time.perf_counter() - started) * 1000)
        return times


def render_figures(small: bool) -> dict[str, Any]:
    from tests.bench import annotation_render  # Qt: imported only when the render figure is measured

    figures: dict[str, Any] = annotation_render.measure(small)
    return figures


def run(tmp: Path, small: bool) -> dict[str, Any]:
    count = 300 if small else 1000
    data_dir, url, engine, sessions, blobs = server_data(tmp)
    council = seed_council(sessions, hash_password(PASSWORD), BulkOptions(meetings=4))
    [document] = add_files(sessions, blobs, council, 1, 50_000)
    result: dict[str, Any] = {
        "bench": "annotations",
        "small": small,
        "annotations": count,
        "server": "gremalda-server subprocess (uvicorn, SQLite WAL) on 127.0.0.1",
    }
    server_cpus, client_cpus, pinning = cpu_plan()
    result["cpu_pinning"] = pinning
    result["load_average_before"] = round(os.getloadavg()[0], 2)
    paths = data_paths(tmp / "client")
    rng = random.Random(5)
    try:
        with our_server(data_dir, url, tmp / "server.log") as server:
            pin([server.proc.pid], server_cpus)
            if client_cpus:
                pin([os.getpid()], client_cpus)
            log(f"server up at {server.url}; {pinning}")
            sign_in(paths, server.url, MEMBER_USERNAME, PASSWORD, device_name="bench-annotations")
            synchronise(paths, index=False)
            with open_store(paths) as store:
                author = account_user_id(store)
                assert author is not None
                notes = AnnotationStore(store.db, user_id=author)
                made = [record(rng, notes.device, author, str(document.file_id), n) for n in range(count)]
                for a in made:
                    notes.save(a)
                assert StoreReplica(store).pending_pushes() == count

            # 2. push on reconnect
            started = time.perf_counter()
            report = push_changes(paths, retry=None)
            push_seconds = time.perf_counter() - started
            stored, top = server_count(sessions, [a.id for a in made])
            if (stored, top, report.pushed, report.pending) != (count, 1, count, 0):
                raise RuntimeError(f"the server holds {stored} of {count} (top version {top}): {report}")
            log(f"push of {count}: {push_seconds:.3f} s in {report.push_requests} requests")

            others = [record(rng, "bench-raw", author, str(document.file_id), n) for n in range(count)]
            bodies = [
                json.dumps(
                    {
                        "items": [
                            {"idempotency_key": str(uuid.uuid4()), "base_version": None, "record": to_dict(a)}
                            for a in others[i : i + BATCH]
                        ]
                    },
                    ensure_ascii=False,
                ).encode()
                for i in range(0, count, BATCH)
            ]
            with open_store(paths) as store:
                token = json.loads(store.state("tokens") or "{}")["access_token"]
            raw_seconds = raw_batches(server.url, token, bodies)
            log(f"raw batches of the same size: {raw_seconds:.3f} s in {len(bodies)} requests")
            result.update(
                {
                    "push_seconds": round(push_seconds, 3),
                    "push_requests": report.push_requests,
                    "raw_batch_seconds": round(raw_seconds, 3),
                    "push_ratio": round(push_seconds / raw_seconds, 2),
                    "push_payload_bytes": sum(len(b) for b in bodies),
                }
            )

            # 3. save latency
            with open_store(paths) as store:
                notes = AnnotationStore(store.db, user_id=author)
                records = [record(rng, notes.device, author, str(document.file_id), n) for n in range(SAVES)]
                save_ms = []
                for a in records:
                    t = time.perf_counter()
                    notes.save(a)
                    save_ms.append((time.perf_counter() - t) * 1000)
            payload = records[0].to_json()
            bare_ms = bare_inserts(tmp, payload, SAVES)
            result.update(
                {
                    "saves": SAVES,
                    "save_p50_ms": round(statistics.median(save_ms), 3),
                    "save_p99_ms": round(percentile(save_ms, 0.99), 3),
                    "bare_insert_p50_ms": round(statistics.median(bare_ms), 3),
                    "bare_insert_p99_ms": round(percentile(bare_ms, 0.99), 3),
                }
            )
            result["save_p50_ratio"] = round(result["save_p50_ms"] / result["bare_insert_p50_ms"], 2)
            log(
                f"save p50 {result['save_p50_ms']} ms p99 {result['save_p99_ms']} ms; bare insert p50 "
                f"{result['bare_insert_p50_ms']} ms p99 {result['bare_insert_p99_ms']} ms"
            )
    finally:
        engine.dispose()
        sign_out(paths)

    # 4. rendering
    log("rendering a page with 200 annotations against the plain page")
    result.update(render_figures(small))

    targets: dict[str, list[Any]] = {
        "push_seconds": ["<=", PUSH_TARGET],
        "save_p99_ms": ["<=", SAVE_P99_TARGET],
        "annotated_page_ratio": ["<=", RENDER_RATIO_TARGET],
    }
    result["targets"] = targets
    ratio = result.get("annotated_page_ratio")
    result["met"] = {
        "push_seconds": result["push_seconds"] <= PUSH_TARGET,
        "save_p99_ms": result["save_p99_ms"] <= SAVE_P99_TARGET,
        "annotated_page_ratio": ratio is not None and ratio <= RENDER_RATIO_TARGET,
    }
    return result


def main() -> int:
    return run_bench(__file__, "bench-annotations", run, timeout=TIMEOUT, keyring=True)


if __name__ == "__main__":
    raise SystemExit(main())
