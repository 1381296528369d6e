"""Annotations kept without their document name it as the user knew it, and the server's size limits
are checked when saving (real server on loopback, real SQLCipher replicas, real keyring: run under
`.ci/with-keyring`).

When the change feed removes a file (deleted, or the user may no longer see it) or a full snapshot no
longer holds it, the replica keeps, with the annotations of that file, its name and where it belonged
(its meeting and agenda item, paper or e-file), so that the orphan list and `gremalda annotations list`
name it instead of showing a bare id."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from gremalda.cli.annotations import list_ as cli_list
from gremalda.core.annotations.errors import AnnotationTooLarge
from gremalda.core.annotations.labels import document_label
from gremalda.core.annotations.records import Annotation, to_dict
from gremalda.core.library import Library
from sync.protocol.limits import MAX_ANNOTATION_BYTES, annotation_record_bytes
from tests.integration.annotdevices import Device, Devices, RestartableServer
from tests.integration.annotdevices import server_record as server_state
from tests.integration.syncworld import Corpus
from tests.integration.world import World, minimal_pdf


def _label(device: Device, file_id: int) -> str:
    entry = Library(device.store.db.conn).file(str(file_id))
    assert entry is not None
    return document_label(entry)


def _cli_list(device: Device, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert cli_list(argparse.Namespace(data_dir=str(device.paths.root), file=None, meeting=None)) == 0
    return capsys.readouterr().out


def test_a_document_removed_or_hidden_by_the_server_is_named_in_the_orphan_list(
    world: tuple[RestartableServer, World], group: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    server, w = world
    corpus = Corpus(server.live, w)
    member = group.add("member", "member")
    budget = corpus.add_pdf(minimal_pdf("Haushalt 2027"), "Haushalt 2027")  # on an agenda item
    staff = corpus.add_pdf(minimal_pdf("Stellenplan"), "Stellenplan")  # in an e-file
    bare = corpus.add_pdf(minimal_pdf("Ohne Anmerkung"), "Ohne Anmerkung")  # on a paper
    member.sync()
    labels = {budget: _label(member, budget), staff: _label(member, staff)}
    assert labels[budget].startswith("Haushalt 2027 — TOP 1 · Sitzung A öffentlich ")
    assert labels[staff] == "Stellenplan — Akte AZ-1 › " + labels[staff].split(" › ", 1)[1]
    kept = member.note(budget, "Deckungsvorschlag prüfen")
    other = member.note(staff, "Stelle 4.2?")
    assert member.sync().pushed == 2

    corpus.hide(budget)  # only clerks may see it now: the feed removes it
    corpus.delete(staff)
    corpus.delete(bare)
    report = member.sync()
    assert report.files_removed == 3
    assert {a.id for a in member.notes.orphaned_in_replica()} == {kept.id, other.id}
    assert member.notes.document_labels([str(budget), str(staff), str(bare)]) == {
        str(budget): labels[budget],
        str(staff): labels[staff],
    }
    out = _cli_list(member, capsys)
    assert f"[{budget}] {labels[budget]} (no longer in the offline copy)\n" in out
    assert f"[{staff}] {labels[staff]} (no longer in the offline copy)\n" in out

    # the name stays with the annotation only while it stays on that document
    moved = member.notes.edit(other.id, file_id=str(w.ids["public_file"]))
    assert member.notes.document_labels([str(staff)]) == {}
    assert f"[{w.ids['public_file']}] public_file — Drucksache 22-0001\n" in _cli_list(member, capsys)
    assert moved.file_id == str(w.ids["public_file"])


def test_a_document_missing_from_a_full_snapshot_is_named_too(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, w = world
    corpus = Corpus(server.live, w)
    member = group.add("member", "member")
    budget = corpus.add_pdf(minimal_pdf("Haushalt 2027"), "Haushalt 2027")
    member.sync()
    label = _label(member, budget)
    kept = member.note(budget, "Deckungsvorschlag prüfen")
    member.sync()
    corpus.hide(budget)
    member.store.set_state("cursor", None)  # the next pass reads everything again
    report = member.sync()
    assert report.snapshot and report.files_removed == 1
    assert [a.id for a in member.notes.orphaned_in_replica()] == [kept.id]
    assert member.notes.document_labels([str(budget)]) == {str(budget): label}


def _at_the_limit(record: Annotation) -> Annotation:
    """``record`` with text that makes it exactly MAX_ANNOTATION_BYTES as the server measures it."""
    free = MAX_ANNOTATION_BYTES - annotation_record_bytes(to_dict(replace(record, text="")))
    grown = replace(record, text="ß" * (free // 2) + "-" * (free % 2))
    assert annotation_record_bytes(to_dict(grown)) == MAX_ANNOTATION_BYTES
    return grown


def test_the_server_takes_a_note_at_the_limit_and_a_longer_one_is_refused_when_saved(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    _server, w = world
    member = group.add("member", "member")
    member.sync()
    note = member.note(w.ids["public_file"], "kurz")
    long = member.notes.save(_at_the_limit(note))
    report = member.sync()
    assert (report.pushed, report.rejected) == (1, [])  # the server measures it the same way
    version, record = server_state(member, note.id)
    assert record["text"] == long.text
    before = (member.notes.get(note.id), member.notes.pending_outbox(), member.notes.rejected_outbox())
    with pytest.raises(AnnotationTooLarge) as raised:
        member.notes.edit(note.id, text=long.text + "!")
    assert raised.value.message.startswith("This note is too long to be shared: at most 64 KiB")
    assert (
        member.notes.get(note.id),
        member.notes.pending_outbox(),
        member.notes.rejected_outbox(),
    ) == before
    assert member.notes.pending_outbox() == []
    again = member.sync()
    assert (again.push_requests, again.rejected) == (0, [])
    assert server_state(member, note.id) == (version, record)
