"""Merging annotations between one person's devices: the join is commutative, associative and
idempotent; per field the write with the highest Lamport stamp wins on every device; an edit beats a
concurrent delete; and a state machine of three devices with offline periods, reordered, duplicated and
lost messages converges without losing an edit."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

from gremalda.core.annotations.errors import AnnotationMismatch
from gremalda.core.annotations.merge import create, delete, edit, merge, restore
from gremalda.core.annotations.records import (
    DELETED,
    FIELD_REGISTER,
    REGISTERS,
    ZERO,
    Annotation,
    Kind,
    Stamp,
    Visibility,
)

QUAD = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)
DEVICES = ("dev-a", "dev-b", "dev-c")

EDITS: dict[str, st.SearchStrategy[Any]] = {
    "colour": st.sampled_from(["#ff0000", "#00ff00", "#0000ff", "#ffd700"]),
    "width": st.sampled_from([0.5, 1.0, 2.0, 4.0]),
    "opacity": st.sampled_from([0.25, 0.5, 1.0]),
    "text": st.text(max_size=5),
    "page": st.integers(0, 3),
    "visibility": st.sampled_from(list(Visibility)),
}


def new(device: str = "dev-a", n: int = 1) -> Annotation:
    return create(
        device,
        id=str(uuid.UUID(int=n)),
        file_id="f1",
        kind=Kind.HIGHLIGHT,
        page=0,
        author_id="u1",
        quads=(QUAD,),
        now="2026-12-01T10:00:00Z",
    )


def test_two_edits_of_one_field_get_the_same_winner_everywhere() -> None:
    base = new()
    a = edit(base, "dev-a", colour="#ff0000")
    b = edit(base, "dev-b", colour="#00ff00")
    assert merge(a, b) == merge(b, a)
    assert merge(a, b).colour == "#00ff00"  # same counter: the device id decides
    later = edit(a, "dev-a", colour="#0000ff")  # made after a, still without having seen b
    assert merge(later, b).colour == "#0000ff" == merge(b, later).colour


def test_edits_of_different_fields_both_survive() -> None:
    base = new()
    a = edit(base, "dev-a", colour="#ff0000")
    b = edit(base, "dev-b", text="Nachfragen", page=2)
    m = merge(a, b)
    assert (m.colour, m.text, m.page) == ("#ff0000", "Nachfragen", 2) and m == merge(b, a)


def test_an_edit_beats_a_concurrent_delete_of_any_field() -> None:
    base = new()
    gone = delete(base, "dev-a")
    assert not gone.alive
    changes: list[tuple[str, Any]] = [("text", "wichtig"), ("colour", "#ff0000"), ("page", 3)]
    for name, value in changes:
        edited = edit(base, "dev-b", **{name: value})
        for m in (merge(gone, edited), merge(edited, gone)):
            assert m.alive and getattr(m, name) == value
    # even when the delete carries the higher stamp (made after more local edits)
    busy = delete(edit(edit(base, "dev-a", width=2.0), "dev-a", width=3.0), "dev-a")
    assert merge(busy, edit(base, "dev-b", text="x")).alive


def test_a_delete_after_seeing_the_edit_wins_and_a_later_edit_restores() -> None:
    base = new()
    edited = edit(base, "dev-b", text="wichtig")
    gone = delete(merge(base, edited), "dev-a")
    assert not merge(gone, edited).alive and not merge(edited, gone).alive
    back = edit(gone, "dev-b", colour="#ff0000")
    assert merge(gone, back).alive
    assert restore(gone, "dev-c").alive and not delete(restore(gone, "dev-c"), "dev-a").alive


def test_concurrent_deletes_each_having_seen_different_edits() -> None:
    base = new()
    seen_by_a = edit(base, "dev-c", text="t")
    del_a = delete(merge(base, seen_by_a), "dev-a")
    del_b = delete(base, "dev-b")
    assert not merge(del_a, del_b).alive  # every edit was seen by some delete
    assert merge(merge(del_a, del_b), edit(base, "dev-c", colour="#ff0000")).alive


def test_merging_different_annotations_is_refused() -> None:
    with pytest.raises(AnnotationMismatch):
        merge(new(n=1), new(n=2))
    with pytest.raises(AnnotationMismatch):
        merge(new(), replace(new(), author_id="u2"))


# --- algebra over random histories --------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> list[Annotation]:
    """Every version three devices produced of one annotation through random edits, deletes, restores
    and merges."""
    state = {d: new() if d == "dev-a" else None for d in DEVICES}
    versions: list[Annotation] = [state["dev-a"]]  # type: ignore[list-item]
    for _ in range(draw(st.integers(1, 14))):
        device = draw(st.sampled_from(DEVICES))
        other = state[draw(st.sampled_from(DEVICES))]
        mine = state[device]
        op = draw(st.sampled_from(["edit", "delete", "restore", "merge"]))
        if mine is None or op == "merge":
            if other is not None:
                state[device] = other if mine is None else merge(mine, other)
        elif op == "edit":
            name = draw(st.sampled_from(sorted(EDITS)))
            state[device] = edit(mine, device, **{name: draw(EDITS[name])})
        elif op == "delete":
            state[device] = delete(mine, device)
        else:
            state[device] = restore(mine, device)
        if state[device] is not None:
            versions.append(state[device])  # type: ignore[arg-type]
    return versions


@given(histories(), st.data())
@settings(max_examples=300, deadline=None)
def test_merge_is_commutative_associative_and_idempotent(
    versions: list[Annotation], data: st.DataObject
) -> None:
    a, b, c = (data.draw(st.sampled_from(versions)) for _ in range(3))
    assert merge(a, a) == a
    assert merge(a, b) == merge(b, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))
    assert merge(merge(a, b), b) == merge(a, b)


# --- three devices and a faulty network ---------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    stamp: Stamp
    values: tuple[Any, ...]
    seen: dict[str, Stamp] | None = None  # a delete's view


class Devices(RuleBasedStateMachine):
    """Each device holds its own records; messages (whole records) travel between devices in any order,
    duplicated or lost; a lost message is made good by a later resend of the sender's state."""

    messages = Bundle("messages")

    @initialize()
    def start(self) -> None:
        self.state: dict[str, dict[str, Annotation]] = {d: {} for d in DEVICES}
        self.online = dict.fromkeys(DEVICES, True)
        self.writes: dict[str, dict[str, list[Write]]] = {}
        self.ids = itertools.count(1)

    def _record(self, device: str, before: Annotation | None, after: Annotation) -> None:
        self.state[device][after.id] = after
        log = self.writes.setdefault(after.id, {reg: [] for reg in (*REGISTERS, DELETED)})
        for reg in (*REGISTERS, DELETED):
            stamp = after.stamp(reg)
            if before is None or stamp != before.stamp(reg):
                names = REGISTERS.get(reg, ("deleted",))
                seen = dict(after.delete_seen) if reg == DELETED and after.deleted else None
                log[reg].append(Write(stamp, tuple(getattr(after, n) for n in names), seen))

    def _pick(self, device: str, data: st.DataObject) -> Annotation | None:
        ids = sorted(self.state[device])
        return self.state[device][data.draw(st.sampled_from(ids))] if ids else None

    @rule(device=st.sampled_from(DEVICES))
    def create(self, device: str) -> None:
        record = create(
            device, id=str(uuid.UUID(int=next(self.ids))), file_id="f1", kind=Kind.NOTE, page=0,
            author_id="u1", rect=(0.0, 0.0, 20.0, 20.0),
        )  # fmt: skip
        self._record(device, None, record)

    @rule(device=st.sampled_from(DEVICES), name=st.sampled_from(sorted(EDITS)), data=st.data())
    def edit(self, device: str, name: str, data: st.DataObject) -> None:
        record = self._pick(device, data)
        if record is not None:
            self._record(device, record, edit(record, device, **{name: data.draw(EDITS[name])}))

    @rule(device=st.sampled_from(DEVICES), data=st.data())
    def delete(self, device: str, data: st.DataObject) -> None:
        record = self._pick(device, data)
        if record is not None:
            self._record(device, record, delete(record, device))

    @rule(device=st.sampled_from(DEVICES), data=st.data())
    def restore(self, device: str, data: st.DataObject) -> None:
        record = self._pick(device, data)
        if record is not None and record.deleted:
            self._record(device, record, restore(record, device))

    @rule(device=st.sampled_from(DEVICES))
    def toggle_network(self, device: str) -> None:
        self.online[device] = not self.online[device]

    @rule(target=messages, sender=st.sampled_from(DEVICES), receiver=st.sampled_from(DEVICES), data=st.data())
    def send(self, sender: str, receiver: str, data: st.DataObject) -> tuple[str, Annotation] | None:
        record = self._pick(sender, data)
        if record is None or sender == receiver or not self.online[sender]:
            return None  # nothing to send: a message that is never delivered
        return (receiver, record)

    @rule(message=messages)
    def deliver_duplicate(self, message: tuple[str, Annotation] | None) -> None:
        self._deliver(message)

    @rule(message=consumes(messages))
    def deliver(self, message: tuple[str, Annotation] | None) -> None:
        self._deliver(message)

    @rule(message=consumes(messages))
    def lose(self, message: tuple[str, Annotation] | None) -> None:
        pass  # the sender resends its (newer) state later

    def _deliver(self, message: tuple[str, Annotation] | None) -> None:
        if message is None or not self.online[message[0]]:
            return
        receiver, record = message
        local = self.state[receiver].get(record.id)
        self.state[receiver][record.id] = record if local is None else merge(local, record)

    @invariant()
    def devices_only_hold_known_writes(self) -> None:
        for records in self.state.values():
            for record in records.values():
                for reg in REGISTERS:
                    assert record.stamp(reg) in {w.stamp for w in self.writes[record.id][reg]}

    @rule()
    def reconnect_everything(self) -> None:
        """Everyone online, every state sent to everyone (twice round: enough for three devices)."""
        self.online = dict.fromkeys(DEVICES, True)
        for _ in range(2):
            for sender, receiver in itertools.permutations(DEVICES, 2):
                for record in list(self.state[sender].values()):
                    self._deliver((receiver, record))
        first = self.state[DEVICES[0]]
        for device in DEVICES[1:]:
            assert self.state[device] == first, "devices did not converge"
        for record_id, log in self.writes.items():
            record = first[record_id]
            for reg, writes in log.items():
                winner = max(writes, key=lambda w: w.stamp)
                names = REGISTERS.get(reg, ("deleted",))
                assert tuple(getattr(record, n) for n in names) == winner.values, f"lost the last {reg}"
                assert record.stamp(reg) == winner.stamp
            deletes = [w.seen for w in log[DELETED] if w.seen is not None]
            seen = {reg: max((d.get(reg, ZERO) for d in deletes), default=ZERO) for reg in REGISTERS}
            newest = {reg: max(w.stamp for w in log[reg]) for reg in REGISTERS}
            expected_alive = not record.deleted or any(newest[reg] > seen[reg] for reg in REGISTERS)
            assert record.alive == expected_alive

    def teardown(self) -> None:
        if hasattr(self, "state"):
            self.reconnect_everything()


TestDevices = Devices.TestCase
TestDevices.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_field_registers_cover_every_mutable_field() -> None:
    assert set(FIELD_REGISTER) == {n for names in REGISTERS.values() for n in names}
    assert "id" not in FIELD_REGISTER and "kind" not in FIELD_REGISTER
