"""XFDF import of other programs' handwriting and of annotations too large to share, on a real replica
(login and sync against the real server, real keyring: run under `.ci/with-keyring`).

Acrobat or Xournal put a page of handwriting in one ink annotation (often more than the 100 strokes one
record may hold) and keep every point the pen gave (a stroke of thousands): the import simplifies the
strokes as drawn ink is and splits the annotation into several records the server takes, with stable
ids; what cannot be shared at all refuses the file, naming the annotation, with nothing stored."""

from __future__ import annotations

import math

import pytest

from gremalda.core.annotations import exchange
from gremalda.core.annotations.errors import InvalidXfdf
from gremalda.core.annotations.records import Annotation, Kind, check_shareable
from gremalda.store.replica import Store
from sync.protocol.limits import MAX_ANNOTATION_BYTES, MAX_INK_STROKES, MAX_STROKE_POINTS
from tests.integration import test_annotations_export as export
from tests.integration.test_annotations_export import PASSWORD, Replica
from tests.integration.test_cli_sync import gremalda

pytestmark = export.pytestmark  # the real PDFs
replica = export.replica  # a replica of the member, synchronised with a live server, with real PDFs
store = export.store

HEADER = '<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>'


def _wiggle(n: int, x0: float, y0: float, *, points: int) -> str:
    """A gesture (XFDF "x,y;x,y;…") that no simplification straightens: a zigzag of 2 pt teeth."""
    return ";".join(f"{x0 + i * 0.5:.2f},{y0 + (2 if i % 2 else 0) + n * 0.01:.2f}" for i in range(points))


def _spiral(points: int) -> str:
    """A long stroke whose every point matters: a tight spiral of ``points`` points."""
    out = []
    for i in range(points):
        angle, radius = i * 0.35, 5 + i * 0.05
        out.append(f"{300 + radius * math.cos(angle):.3f},{400 + radius * math.sin(angle):.3f}")
    return ";".join(out)


def _handwriting() -> bytes:
    gestures = [f"<gesture>{_spiral(4000)}</gesture>"]
    gestures += [f"<gesture>{_wiggle(n, 40 + n % 10, 100 + n * 4, points=60)}</gesture>" for n in range(149)]
    return (
        HEADER + '<ink color="#0000FF" name="hand-1" page="0" rect="0,0,600,800" width="1.5"'
        ' title="Max Mustermann"><inklist>' + "".join(gestures) + "</inklist></ink></annots></xfdf>"
    ).encode()


def _mine(store: Store, file_id: str) -> list[Annotation]:
    return [a for a in exchange.annotation_store(store).list_for_file(file_id) if a.kind is Kind.INK]


def test_other_programs_handwriting_is_split_into_records_the_server_takes(
    replica: Replica, store: Store
) -> None:
    file_id = str(replica.files["encrypted"])
    before = {a.id for a in _mine(store, file_id)}
    data = _handwriting()
    counts = exchange.import_xfdf(store, file_id, data, password=PASSWORD)
    made = [a for a in _mine(store, file_id) if a.id not in before]
    assert counts.created == len(made) >= 2
    assert sum(len(a.strokes) for a in made) == 150  # every gesture, each in one record
    for a in made:
        check_shareable(a)
        assert len(a.strokes) <= MAX_INK_STROKES
        assert all(len(s) <= MAX_STROKE_POINTS for s in a.strokes)
        assert len(a.to_json().encode()) <= MAX_ANNOTATION_BYTES
        assert (a.colour, a.width, a.author_name) == ("#0000ff", 1.5, "Max Mustermann")
    [spiral] = [s for a in made for s in a.strokes if len(s) > 60]
    assert 100 < len(spiral) <= 800  # simplified, not dropped
    # the same file again: the same records, nothing new
    again = exchange.import_xfdf(store, file_id, data, password=PASSWORD)
    assert (again.created, again.unchanged) == (0, len(made))
    # and the server takes every one of them
    r = gremalda("sync", "--data-dir", str(replica.data), "--no-index", "-q", tmp=replica.tmp)
    assert r.returncode == 0, r.stderr
    notes = exchange.annotation_store(store)
    assert notes.rejected_outbox() == [] and notes.pending_count() == 0
    assert all(notes.server_id(a.id) is not None for a in made)


def test_an_annotation_too_large_to_share_refuses_the_file_naming_it(replica: Replica, store: Store) -> None:
    file_id = str(replica.files["encrypted"])
    before = exchange.annotation_store(store).all(include_deleted=True)
    outbox = exchange.annotation_store(store).pending_outbox()
    data = (
        HEADER + '<text name="kurz" page="0" rect="10,10,30,30"><contents>Kurz</contents></text>'
        '<text name="Roman" page="0" rect="40,10,60,30"><contents>' + "Wort " * 20_000 + "</contents></text>"
        "</annots></xfdf>"
    ).encode()
    with pytest.raises(InvalidXfdf) as raised:
        exchange.import_xfdf(store, file_id, data, password=PASSWORD)
    message = raised.value.message
    assert "“Roman” is too large to share" in message and "Nothing of the file has been imported" in message
    assert exchange.annotation_store(store).all(include_deleted=True) == before
    assert exchange.annotation_store(store).pending_outbox() == outbox
