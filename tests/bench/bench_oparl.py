"""Benchmark of OParl sources (issue 7): the Hürtgenwald crawl imported from a local fixture server.

Run as ``make bench NAME=oparl`` or ``.venv/bin/python tests/bench/bench_oparl.py`` (``SMALL=1`` or
``--small``: the first 10 pages of each list only). The client keeps its keys in the OS keyring only,
so the script re-executes itself under ``.ci/with-keyring`` unless it already runs inside one.

1. Starts the fixture server (``python -m tests.harness.oparlfixture``: the crawl of
   ``shared/data/oparl/huertgenwald-1.0``, host rewritten) in a process of its own on 127.0.0.1.
2. **Reference**: a plain crawl of the same pages — System, body list, and every page of the body's
   four lists, following ``next`` — with one ``httpx.Client`` and ``json.loads`` only (best of two runs,
   one before and one after the imports).
3. **Full import** into a fresh encrypted replica (``gremalda.core.oparl.sync_sources``: opening the
   replica, every list page repaired, mapped and written to SQLCipher), twice with a fresh data
   directory (the best is the figure; both are reported). Files are not fetched.
   ``full_import_ratio`` = import seconds / reference seconds. To show where the time goes, the same
   import into a replica that stores nothing (``import_without_store_seconds``: fetching, repairing
   and mapping only) is timed as well.
4. **No-change incremental pass** (``sync_sources`` again, the replica opened each time as the CLI
   does): its requests and seconds (median of five).
5. **One meeting's files on request** (the 2017-02-16 council meeting: its own, its agenda items' and
   its papers' files, generated one-page PDFs): count and seconds, reported apart (not in a target).

Progress goes to stderr; one JSON line with the figures goes to stdout. Everything lives in a temp dir
that is removed at the end; the replicas' keys are deleted from the keyring. Only loopback addresses are
used. ``BENCH_TIMEOUT`` (seconds) bounds the run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from gremalda.core.account import sign_out  # noqa: E402
from gremalda.core.oparl import add_source, fetch_meeting_files, sync_sources  # noqa: E402
from gremalda.paths import data_paths  # noqa: E402
from sync.oparl import Applied, Entity, OParlHttp, OParlImporter, Record, RepairLog  # noqa: E402
from tests.bench.harness import logger, run_bench  # noqa: E402
from tests.harness.oparlfixture import data_missing_reason  # noqa: E402

FULL_IMPORT_TARGET = 10.0
NO_CHANGE_TARGET = 1.0
SMALL_PAGES = 10
COUNCIL = "body/1/meeting/967"
LISTS = ("organization", "person", "meeting", "paper")
TIMEOUT = 600

log = logger("bench-oparl")


class FixtureProcess:
    """The fixture server in a process of its own (it serves until its stdin closes)."""

    def __init__(self, small: bool) -> None:
        args = [sys.executable, "-m", "tests.harness.oparlfixture"]
        if small:
            args += ["--pages", str(SMALL_PAGES)]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.system_url = self.proc.stdout.readline().strip()
        if not self.system_url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the fixture server did not start (said {self.system_url!r})")

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def reference_crawl(system_url: str) -> dict[str, Any]:
    """Every list page with httpx and json.loads only: what reading the server costs at least."""
    started = time.perf_counter()
    pages = objects = 0
    size = 0
    with httpx.Client(timeout=60, trust_env=False) as client:

        def get(url: str) -> Any:
            nonlocal pages, size
            response = client.get(url)
            response.raise_for_status()
            pages += 1
            size += len(response.content)
            return json.loads(response.content)

        system = get(system_url)
        for body in get(system["body"])["data"]:
            for name in LISTS:
                url: str | None = body[name]
                while url:
                    page = get(url)
                    objects += len(page["data"])
                    url = page.get("links", {}).get("next")
    return {"seconds": time.perf_counter() - started, "pages": pages, "objects": objects, "bytes": size}


class NullReplica:
    """The importer's replica port storing nothing: what fetching, repairing and mapping cost alone."""

    def __init__(self) -> None:
        self.records = 0

    def load_state(self) -> dict[str, Any]:
        return {}

    def save_state(self, state: dict[str, Any], *, synced: str, full: bool) -> None:
        pass

    def known_modified(self, kind: str, ids: Sequence[str]) -> dict[str, str]:
        return {}

    def known(self, kind: str, ids: Iterable[str]) -> set[str]:
        return set()

    def apply(self, entities: Sequence[Entity]) -> Applied:
        for entity in entities:
            for record in entity.records:
                json.dumps(record.data, ensure_ascii=False, separators=(",", ":"))  # as the store does
                self.records += 1
        return Applied()

    def apply_children(self, owner: str, records: Sequence[Record]) -> Applied:
        return Applied()

    def roots(self, kinds: Collection[str]) -> set[str]:
        return set()

    def remove(self, owners: Collection[str]) -> Applied:
        return Applied()


def import_without_store(system_url: str) -> tuple[float, int]:
    replica = NullReplica()
    started = time.perf_counter()
    with OParlHttp(system_url, log=RepairLog()) as http:
        OParlImporter(http, replica, source_id=1).run(full=True)  # type: ignore[arg-type]
    return time.perf_counter() - started, replica.records


def run(tmp: Path, small: bool) -> dict[str, Any]:
    reason = data_missing_reason()
    if reason:
        raise RuntimeError(reason)
    fixture = FixtureProcess(small)
    result: dict[str, Any] = {
        "bench": "oparl",
        "small": small,
        "server": "tests.harness.oparlfixture in a subprocess (http.server, threaded) on 127.0.0.1",
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    dirs: list[Path] = []
    try:
        log(f"fixture server at {fixture.system_url}")
        reference_crawl(fixture.system_url)  # warm-up: the server renders and caches its pages
        references = [reference_crawl(fixture.system_url)]
        log(f"reference crawl: {references[0]['pages']} pages in {references[0]['seconds']:.2f} s")

        imports: list[dict[str, Any]] = []
        for n in range(2):
            paths = data_paths(tmp / f"client-{n}")
            dirs.append(paths.root)
            add_source(paths, fixture.system_url)
            started = time.perf_counter()
            (outcome,) = sync_sources(paths, index=False)
            seconds = time.perf_counter() - started
            report = outcome.imported
            if outcome.error or report is None or not report.complete:
                raise RuntimeError(f"the import failed: {outcome.error or report}")
            added = dict(report.applied.added)
            imports.append({"seconds": seconds, "report": report, "added": added, "paths": paths})
            log(
                f"full import {n + 1}: {sum(added.values())} objects, {report.requests} requests in "
                f"{seconds:.2f} s (importer {report.seconds:.2f} s)"
            )
        references.append(reference_crawl(fixture.system_url))
        bare = min(import_without_store(fixture.system_url) for _ in range(2))
        log(f"import without storing: {bare[1]} records in {bare[0]:.2f} s")
        best_ref = min(references, key=lambda r: r["seconds"])
        best = min(imports, key=lambda i: i["seconds"])
        paths = best["paths"]

        no_change: list[tuple[float, int]] = []
        for _ in range(5):
            started = time.perf_counter()
            (outcome,) = sync_sources(paths, index=False)
            seconds = time.perf_counter() - started
            report = outcome.imported
            if report is None or report.full or report.applied.added or report.applied.updated:
                raise RuntimeError(f"a pass without changes changed something: {report}")
            no_change.append((seconds, report.requests))
        no_change_seconds = statistics.median(s for s, _ in no_change)
        log(f"no-change pass: {no_change_seconds * 1000:.0f} ms (median of 5), {no_change[0][1]} requests")

        meeting = fixture.system_url.rsplit("/", 1)[0] + "/" + COUNCIL
        started = time.perf_counter()
        files = fetch_meeting_files(paths, meeting, index=False)
        files_seconds = time.perf_counter() - started
        assert files.files is not None
        log(f"one meeting's files: {files.files.downloaded} in {files_seconds:.2f} s")

        report = best["report"]
        added = best["added"]
        result.update(
            {
                "bodies": added.get("body", 0),
                "organizations": added.get("organization", 0),
                "persons": added.get("person", 0),
                "meetings": added.get("meeting", 0),
                "agenda_items": added.get("agenda_item", 0),
                "papers": added.get("paper", 0),
                "consultations": added.get("consultation", 0),
                "files": added.get("file", 0),
                "objects": sum(added.values()),
                "list_pages": best_ref["pages"],
                "list_bytes": best_ref["bytes"],
                "full_import_seconds": round(best["seconds"], 3),
                "full_import_seconds_runs": [round(i["seconds"], 3) for i in imports],
                "full_import_importer_seconds": round(report.seconds, 3),
                "full_import_requests": report.requests,
                "full_import_objects_per_s": round(sum(added.values()) / best["seconds"]),
                "full_import_repairs": {i.code: i.count for i in report.repairs},
                "full_import_skips": {i.code: i.count for i in report.skips},
                "reference": "httpx.Client GET of every list page + json.loads, nothing stored",
                "reference_seconds": round(best_ref["seconds"], 3),
                "reference_seconds_runs": [round(r["seconds"], 3) for r in references],
                "full_import_ratio": round(best["seconds"] / best_ref["seconds"], 2),
                "import_without_store_seconds": round(bare[0], 3),
                "store_seconds": round(best["seconds"] - bare[0], 3),
                "no_change_seconds": round(no_change_seconds, 3),
                "no_change_seconds_runs": [round(s, 3) for s, _ in no_change],
                "no_change_requests": no_change[0][1],
                "meeting_files": files.files.downloaded,
                "meeting_files_bytes": files.files.bytes,
                "meeting_files_seconds": round(files_seconds, 3),
            }
        )
    finally:
        fixture.stop()
        for root in dirs:
            try:
                sign_out(data_paths(root))  # the replica's keys leave the keyring
            except Exception as exc:
                log(f"could not remove {root}: {exc}")
    result["targets"] = {
        "full_import_seconds": ["<=", FULL_IMPORT_TARGET],
        "no_change_seconds": ["<=", NO_CHANGE_TARGET],
    }
    result["met"] = {
        "full_import_seconds": result["full_import_seconds"] <= FULL_IMPORT_TARGET,
        "no_change_seconds": result["no_change_seconds"] <= NO_CHANGE_TARGET,
    }
    return result


def main() -> int:
    return run_bench(__file__, "bench-oparl", run, timeout=TIMEOUT, keyring=True)


if __name__ == "__main__":
    raise SystemExit(main())
