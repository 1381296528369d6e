"""Ink read from XFDF (review item 1): other programs' handwriting keeps every point its pen gave and is
simplified as drawn ink is; a stroke of ours stays exactly as written unless it is longer than a stroke
may be."""

from __future__ import annotations

import math

from gremalda.core.annotations.authoring import INK_MAX_POINTS
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.xfdf import PageFrame, export_xfdf
from gremalda.core.annotations.xfdf_read import parse_xfdf

FRAMES = [PageFrame.of_height(841.89)]
NOW = "2026-12-01T10:00:00Z"


def _gesture(points: int) -> str:
    return ";".join(
        f"{100 + 40 * math.cos(i / 50):.3f},{400 + 40 * math.sin(i / 50):.3f}" for i in range(points)
    )


def test_other_programs_strokes_are_simplified() -> None:
    data = (
        '<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><ink name="x" page="0"><inklist>'
        f"<gesture>{_gesture(3000)}</gesture><gesture>10,10;20,20;30,30</gesture>"
        "</inklist></ink></annots></xfdf>"
    ).encode()
    [ink] = parse_xfdf(data, FRAMES, file_id="42").annotations
    arc, line = ink.values["strokes"]
    assert 2 < len(arc) <= INK_MAX_POINTS  # a smooth arc needs far fewer than 3,000 points
    assert line == ((10.0, 831.89, None), (30.0, 811.89, None))  # straight: its ends


def test_our_own_strokes_stay_as_written_unless_too_long() -> None:
    straight = tuple((10.0 + i, 20.0 + i, None) for i in range(5))  # simplification would drop 3 points
    long = tuple((100 + 40 * math.cos(i / 50), 400 + 40 * math.sin(i / 50), 0.5) for i in range(1500))
    record = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.INK, page=0, author_id="7", strokes=(straight, long)
    )
    [ink] = parse_xfdf(export_xfdf([record], FRAMES), FRAMES, file_id="42").annotations
    kept, shortened = ink.values["strokes"]
    assert len(kept) == 5
    assert len(shortened) <= INK_MAX_POINTS
