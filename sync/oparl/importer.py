"""One import pass of an OParl source into a replica: full (with reconciliation) or incremental.

A pass reads the System, its list of bodies (the chosen body, or all), then each body's lists of
organizations, persons, meetings and papers page by page; every page is repaired
(:mod:`sync.oparl.normalise`), mapped (:mod:`sync.oparl.mapping`) and applied in one transaction. Then
the sub-objects and organizations that were only named by URL are fetched (a few threads) — those that
answer 404 are noted and not asked for again until the next full pass.

Incremental: each list is asked with ``modified_since`` = its high-water mark (the newest ``modified``
the server reported in it, by the server's own clock, so that a server whose offsets are wrong stays
consistent with itself) minus an overlap window (late commits, coarse timestamps); objects whose
``modified`` the replica already holds are skipped; tombstones (``deleted: true``) remove. A list whose
mark is older than a day (by our clock: :data:`QUIET`, more than any wrong offset or commit delay) is
quiet: it is asked from just after its mark, so that a quiet server answers with empty lists. A list not
read to its end keeps its old mark.

Full (the first pass, every ``full_every`` or on request): every list unfiltered, then everything of
this source the lists no longer show is removed — for the types whose lists were read completely only.

Nothing stops the pass but the network being gone, a certificate error, an unusable System object, or a
stop request; everything else is repaired or skipped and noted in the report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.client.errors import (
    CertificateError,
    InsecureServerUrl,
    NotFound,
    Offline,
    ServerProtocolError,
    SyncClientError,
)
from sync.engine.engine import Cancelled
from sync.oparl.http import OParlHttp
from sync.oparl.lists import ListWalk
from sync.oparl.mapping import BODY_LISTS, WIRE, ChildRef, Entity, Mapper
from sync.oparl.normalise import Normaliser, short_type
from sync.oparl.port import Applied, OParlReplicaPort
from sync.oparl.repairs import Incident, RepairLog

log = logging.getLogger(__name__)

DEFAULT_OVERLAP = timedelta(minutes=10)
QUIET = timedelta(days=1)  # a list whose newest change is older than this is asked from its mark on
FULL_EVERY = timedelta(days=7)
#: bump when the mapping changes what records hold: the next full pass then rewrites every object
MAPPING_VERSION = 1
_FUTURE_SLACK = timedelta(days=1)
_REF_DEPTH = 3  # sub-objects named by URL inside sub-objects named by URL ...
_REF_BATCH = 200
_APPLY_BATCH = 3000  # records per transaction


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ImportProgress:
    what: str  # "organization", "person", "meeting", "paper", "references"
    pages: int
    objects: int


@dataclass(slots=True)
class ImportReport:
    full: bool
    applied: Applied = field(default_factory=Applied)
    unchanged: int = 0  # top-level objects the server listed with the modified the replica holds
    requests: int = 0
    seconds: float = 0.0
    incomplete: list[str] = field(default_factory=list)  # lists not read to their end
    bodies: list[str] = field(default_factory=list)  # names of the bodies imported
    system_name: str = ""
    repairs: list[Incident] = field(default_factory=list)
    skips: list[Incident] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.incomplete


class OParlImporter:
    """Runs import passes of one source. Not re-entrant."""

    def __init__(
        self,
        http: OParlHttp,
        replica: OParlReplicaPort,
        *,
        source_id: int,
        body_url: str | None = None,
        overlap: timedelta = DEFAULT_OVERLAP,
        workers: int = 4,
        progress: Callable[[ImportProgress], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.http = http
        self.replica = replica
        self.log: RepairLog = http.log
        self.body_url = body_url
        self.overlap = overlap
        self.workers = max(1, workers)
        self.progress = progress
        self.clock = clock or (lambda: datetime.now(UTC))
        self.normaliser = Normaliser(self.log)
        self.mapper = Mapper(source_id, self.log)

    @property
    def stop(self) -> threading.Event:
        return self.http.stop

    # ----------------------------------------------------------------------------------- the pass

    def run(self, *, full: bool) -> ImportReport:
        started = time.perf_counter()
        requests0 = self.http.requests
        now = self.clock()
        state = self.replica.load_state()
        report = ImportReport(full=full)
        skip_unchanged = not full or state.get("mapping") == MAPPING_VERSION
        missing: set[str] = set() if full else set(state.get("missing") or ())
        marks: dict[str, str] = dict(state.get("marks") or {})

        system, bodies, bodies_complete = self._bodies()
        report.system_name = str(system.get("name") or "")
        seen: set[str] = set()
        refs: list[ChildRef] = []
        org_refs: set[str] = set()
        complete: dict[str, bool] = {}

        body_entities = [e for b in bodies if (e := self.mapper.entity(b, None)) is not None]
        seen.update(e.owner for e in body_entities)
        self._apply(body_entities, report, skip_unchanged)
        report.bodies = [str(b.get("name") or b["id"]) for b in bodies if not b.get("deleted")]

        for body in bodies:
            if body.get("deleted"):
                continue
            for field_name, hint in BODY_LISTS:
                kind = WIRE[hint]
                url = body.get(field_name)
                if not isinstance(url, str):
                    self.log.skipped("list-missing", f"{body['id']} {field_name}")
                    complete[kind] = False
                    continue
                walk, newest = self._walk(
                    url,
                    hint,
                    kind,
                    body["id"],
                    marks.get(url),
                    full,
                    now,
                    report,
                    skip_unchanged,
                    seen,
                    refs,
                    org_refs,
                )
                complete[kind] = complete.get(kind, True) and walk.complete
                if walk.complete:
                    if newest is not None:
                        marks[url] = newest
                else:
                    report.incomplete.append(url)
        if self.stop.is_set():
            raise Cancelled()

        self._resolve(refs, org_refs, seen, missing, report, bodies)

        if full:
            kinds = [kind for kind, ok in complete.items() if ok]
            if bodies_complete:
                kinds.append("body")
            gone = self.replica.roots(kinds) - seen
            if gone:
                report.applied.merge(self.replica.remove(gone))

        state.update(
            marks=marks,
            missing=sorted(missing),
            url_map=self.http.urls.pairs,
            system={
                "id": system.get("id"),
                "name": system.get("name"),
                "oparlVersion": system.get("oparlVersion"),
            },
            bodies={b["id"]: b.get("name") for b in bodies if not b.get("deleted")},
            mapping=MAPPING_VERSION if full else state.get("mapping", MAPPING_VERSION),
        )
        self.replica.save_state(state, synced=now.isoformat(), full=full)
        report.requests = self.http.requests - requests0
        report.seconds = time.perf_counter() - started
        report.repairs = self.log.repairs
        report.skips = self.log.skips
        return report

    # ------------------------------------------------------------------------------------ bodies

    def _bodies(self) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        """(system, the chosen bodies repaired, whether the body list was read completely)."""
        url = self.http.system_url
        raw = self.http.get_json(url)
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ServerProtocolError(f"{url} is not an OParl System: the answer has no id.")
        self.http.urls.learn(url, raw["id"])
        kind = short_type(raw.get("type"))
        if kind == "Body":  # the user gave a body's URL
            system: dict[str, Any] = {"id": raw.get("system"), "name": raw.get("name")}
            body = self.normaliser.object(raw, "Body", url)
            return system, [body] if body is not None else [], True
        fixed = self.normaliser.object(raw, "System", url)
        if fixed is None or fixed["type"] != "System":
            raise ServerProtocolError(f"{url} is not an OParl System (its type is {raw.get('type')!r}).")
        system = fixed
        listed = system.get("body")
        entries: list[Any] = []
        complete = True
        if isinstance(listed, str):
            walk = ListWalk(self.http, listed)
            for page in walk.pages():
                entries.extend(page)
            complete = walk.complete
        elif isinstance(listed, list):  # an old server: the bodies (or their URLs) inline
            for item in listed:
                entries.append(self._fetch_object(item) if isinstance(item, str) else item)
        else:
            raise ServerProtocolError(f"The OParl System {url} names no bodies.")
        bodies = [
            b for e in entries if e is not None and (b := self.normaliser.object(e, "Body", url)) is not None
        ]
        bodies = [b for b in bodies if b["type"] == "Body"]
        if self.body_url is not None:
            bodies = [b for b in bodies if self.http.urls.same(b["id"], self.body_url)]
            if not bodies and complete:
                raise NotFound(f"The body {self.body_url} is not among the bodies of the OParl server {url}.")
        if not bodies and complete:
            raise ServerProtocolError(f"The OParl server {url} lists no body.")
        return system, bodies, complete

    def _fetch_object(self, url: str) -> Any:
        try:
            return self.http.get_json(url)
        except (Offline, CertificateError, InsecureServerUrl, Cancelled):
            raise
        except NotFound:
            self.log.skipped("referenced-404", url)
        except SyncClientError:
            self.log.skipped("referenced-failed", url)
        return None

    # ------------------------------------------------------------------------------------- lists

    def _walk(
        self,
        url: str,
        hint: str,
        kind: str,
        body_id: str,
        mark: str | None,
        full: bool,
        now: datetime,
        report: ImportReport,
        skip_unchanged: bool,
        seen: set[str],
        refs: list[ChildRef],
        org_refs: set[str],
    ) -> tuple[ListWalk, str | None]:
        """Walk one list; returns the walk and the new high-water mark (None: no news)."""
        since = None if full else parse_time(mark)
        filters = {}
        if since is not None:
            bound = since + timedelta(seconds=1) if since < now - QUIET else since - self.overlap
            filters["modified_since"] = bound.isoformat(timespec="seconds")
        walk = ListWalk(self.http, url, filters)
        newest, newest_text = since, mark
        objects = 0
        pending: list[Entity] = []  # applied a few thousand records per transaction (each commit syncs)
        for page in walk.pages():
            entities: list[Entity] = []
            for raw in page:
                obj = self.normaliser.object(raw, hint, url)
                if obj is None:
                    continue
                modified = parse_time(obj.get("modified"))
                if modified is not None:
                    if modified > now + _FUTURE_SLACK:
                        self.log.repaired("future-modified", obj["id"])
                    elif newest is None or modified > newest:
                        newest, newest_text = modified, obj["modified"]
                entity = self.mapper.entity(obj, body_id)
                if entity is None:
                    continue
                seen.add(entity.owner)
                refs.extend(entity.refs)
                org_refs.update(entity.org_refs)
                entities.append(entity)
            objects += len(entities)
            pending.extend(self._fresh(entities, report, skip_unchanged))
            if sum(len(e.records) for e in pending) >= _APPLY_BATCH:
                self._commit(pending, report)
                pending = []
            if self.progress is not None:
                self.progress(ImportProgress(kind, walk.pages_read, objects))
        self._commit(pending, report)
        return walk, (newest_text if newest_text != mark else None)

    def _apply(self, entities: list[Entity], report: ImportReport, skip_unchanged: bool) -> None:
        self._commit(self._fresh(entities, report, skip_unchanged), report)

    def _fresh(self, entities: list[Entity], report: ImportReport, skip_unchanged: bool) -> list[Entity]:
        """The entities the replica does not hold as they are (same ``modified``): those to apply."""
        if not skip_unchanged:
            return entities
        by_kind: dict[str, list[str]] = {}
        for e in entities:
            if not e.deleted and e.modified:
                by_kind.setdefault(e.kind, []).append(e.owner)
        known: dict[str, str] = {}
        for kind, ids in by_kind.items():
            known.update(self.replica.known_modified(kind, ids))
        fresh = [e for e in entities if e.deleted or not e.modified or known.get(e.owner) != e.modified]
        report.unchanged += len(entities) - len(fresh)
        return fresh

    def _commit(self, entities: list[Entity], report: ImportReport) -> None:
        if entities:
            report.applied.merge(self.replica.apply(entities))

    # -------------------------------------------------------------------------------- references

    def _resolve(
        self,
        refs: list[ChildRef],
        org_refs: set[str],
        seen: set[str],
        missing: set[str],
        report: ImportReport,
        bodies: list[dict[str, Any]],
    ) -> None:
        """Fetch the sub-objects and organizations named only by URL that the replica lacks."""
        body_id = bodies[0]["id"] if len(bodies) == 1 else None
        for _depth in range(_REF_DEPTH):
            todo: dict[str, ChildRef] = {}
            for kind_refs in self._by_kind(refs).items():
                wire, group = kind_refs
                known = self.replica.known(wire, (r.url for r in group))
                for ref in group:
                    if ref.url not in known and ref.url not in missing:
                        todo.setdefault(ref.url, ref)
            refs = []
            if not todo:
                break
            batch: dict[str, list[Any]] = {}
            fetched = 0
            for ref, obj in self._fetch_all(list(todo.values()), missing):
                fixed = self.normaliser.object(obj, ref.kind, ref.url)
                if fixed is None:
                    continue
                entity = Entity(ref.owner, "", "")
                self.mapper.child(fixed, ref, entity, body_id)
                refs.extend(entity.refs)
                batch.setdefault(ref.owner, []).extend(entity.records)
                fetched += 1
                if fetched % _REF_BATCH == 0:
                    self._apply_children(batch, report)
                    if self.progress is not None:
                        self.progress(ImportProgress("references", 0, fetched))
            self._apply_children(batch, report)

        known_orgs = self.replica.known("organization", org_refs)
        seen.update(known_orgs)
        wanted = [o for o in org_refs if o not in known_orgs and o not in seen and o not in missing]
        entities: list[Entity] = []
        for ref, obj in self._fetch_all(
            [ChildRef(o, "Organization", o, {}) for o in sorted(wanted)], missing
        ):
            fixed = self.normaliser.object(obj, "Organization", ref.url)
            found = self.mapper.entity(fixed, body_id) if fixed is not None else None
            if found is not None:
                seen.add(found.owner)
                entities.append(found)
        if entities:
            report.applied.merge(self.replica.apply(entities))

    @staticmethod
    def _by_kind(refs: Iterable[ChildRef]) -> dict[str, list[ChildRef]]:
        out: dict[str, list[ChildRef]] = {}
        for ref in refs:
            out.setdefault(WIRE.get(ref.kind, ref.kind), []).append(ref)
        return out

    def _apply_children(self, batch: dict[str, list[Any]], report: ImportReport) -> None:
        for owner, records in batch.items():
            report.applied.merge(self.replica.apply_children(owner, records))
        batch.clear()

    def _fetch_all(self, refs: list[ChildRef], missing: set[str]) -> Iterable[tuple[ChildRef, Any]]:
        """(ref, raw object) for each ref that could be fetched, on a few threads; 404s go to
        ``missing``, other failures are noted; no network or a stop request raises."""
        if not refs:
            return
        pool = ThreadPoolExecutor(max_workers=min(self.workers, len(refs)), thread_name_prefix="oparl-ref")
        try:
            pending: set[Future[Any]] = set()
            queue = iter(refs)
            owner_of: dict[Future[Any], ChildRef] = {}
            while True:
                while len(pending) < self.workers * 2:
                    ref = next(queue, None)
                    if ref is None:
                        break
                    future = pool.submit(self.http.get_json, ref.url)
                    owner_of[future] = ref
                    pending.add(future)
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    ref = owner_of.pop(future)
                    try:
                        obj = future.result()
                    except (Offline, CertificateError, InsecureServerUrl, Cancelled):
                        raise
                    except NotFound:
                        self.log.skipped("referenced-404", ref.url)
                        missing.add(ref.url)
                        continue
                    except SyncClientError as exc:
                        self.log.skipped("referenced-failed", f"{ref.url}: {exc.message}")
                        continue
                    yield ref, obj
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def counts_line(counter: Counter[str]) -> str:
    """``"346 meetings, 5106 agenda items"`` for a counter of wire types."""
    names = {
        "body": "bodies",
        "organization": "organizations",
        "person": "persons",
        "membership": "memberships",
        "meeting": "meetings",
        "agenda_item": "agenda items",
        "paper": "papers",
        "consultation": "consultations",
        "file": "files",
    }
    order = list(names)
    parts = [
        f"{counter[k]} {names.get(k, k)}"
        for k in sorted(counter, key=lambda k: order.index(k) if k in order else 99)
        if counter[k]
    ]
    return ", ".join(parts) or "nothing"
