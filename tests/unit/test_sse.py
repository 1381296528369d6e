"""The push channel's event-stream parser (sync.client.sse): the WHATWG rules, any chunking, and strict
limits against hostile streams."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.client.errors import ServerProtocolError
from sync.client.sse import ServerEvent, SseParser

STREAM = (
    b": ping\n\n"
    b'id: 7\nevent: changes\ndata: {"seq": 7}\n\n'
    b"data: first line\r\ndata:second line\r\n\r\n"
    b"id\nevent: changes\ndata\n\n"
    b"retry: 2500\nunknown: field\n: comment\n\n"
    b"event: changes\rdata: cr only\r\r"
)
EXPECTED = [
    ServerEvent("changes", '{"seq": 7}', "7"),
    ServerEvent("message", "first line\nsecond line", "7"),
    ServerEvent("changes", "", ""),
    ServerEvent("changes", "cr only", ""),
]


def _parse(chunks: list[bytes], **limits: int) -> tuple[list[ServerEvent], SseParser]:
    parser = SseParser(**limits)
    events = []
    for chunk in chunks:
        events += parser.feed(chunk)
    return events, parser


def test_fields_comments_and_line_ends() -> None:
    events, parser = _parse([STREAM])
    assert events == EXPECTED
    assert parser.comments == 2 and parser.retry == 2500 and parser.last_event_id == ""


@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=20))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(STREAM)]
    events, _ = _parse([STREAM[a:b] for a, b in itertools.pairwise(bounds)])
    assert events == EXPECTED


def test_an_unfinished_event_is_not_dispatched_and_an_id_with_nul_is_ignored() -> None:
    events, parser = _parse([b"id: 3\n\nid: 4\x00\ndata: x\n"])
    assert events == [] and parser.last_event_id == "3"


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        ([b"data: " + b"x" * 20_000 + b"\n"], "longer than"),
        ([b"x" * 9_000, b"y" * 9_000], "longer than"),  # no line end at all: refused before it grows on
        ([b"data: " + b"x" * 1000 + b"\n"] * 70 + [b"\n"], "larger than"),
        ([b"data: \xff\xfe\n\n"], "not UTF-8"),
    ],
)
def test_hostile_streams_are_refused_clearly(chunks: list[bytes], message: str) -> None:
    with pytest.raises(ServerProtocolError, match=message):
        _parse(chunks)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"2500", 2500),
        (b"0", 0),
        (b"9" * 8, 3_600_000),
        (b"9" * 5_000, 3_600_000),
        (b"0" * 5_000 + b"7", 7),
        (b"12x", None),
    ],
)
def test_retry_is_bounded_and_a_huge_one_is_no_crash(value: bytes, expected: int | None) -> None:
    """More than 4,300 digits would make int() raise ValueError; a huge value is capped, not an error."""
    events, parser = _parse([b"retry: " + value + b"\ndata: x\n\n"])
    assert parser.retry == expected and events == [ServerEvent("message", "x", None)]
