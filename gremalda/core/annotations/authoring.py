"""Making and changing annotations from what a person does on a page (Qt-free).

Everything here works in PDF points as PyMuPDF reports them (the unrotated page, origin top left), the
space annotation records are stored in; the viewer maps its pixels there first.

* Text markup: a drag from one point to another selects whole words in reading order (PyMuPDF's word
  order, `select_words`), `markup` turns them into one quad per line run, the text quote (with prefix and
  suffix, `gremalda.core.annotations.anchor.quote_at`) and the page-text hash — both computed from the page
  text the words point into, which is the text the indexer stores for the page.
* Ink: the points of a stroke, simplified (Ramer–Douglas–Peucker with a small tolerance) keeping each kept
  point's pressure (`stroke`).
* Hit testing: which annotation lies at a point within a tolerance (`hit`; ink by the distance to its
  segments), which ones a drag crosses (`hits_along`, the eraser), and `moved`, the placement of an
  annotation translated by a distance.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

from gremalda.core.annotations.anchor import page_text_hash, quote_at
from gremalda.core.annotations.records import Annotation, InkPoint, Kind, Quad, Rect, Stroke, TextQuote
from gremalda.pdf.render import Matrix, PageWords, Word
from sync.protocol.limits import MAX_STROKE_POINTS

__all__ = [
    "INK_MAX_POINTS",
    "INK_TOLERANCE",
    "NOTE_SIZE",
    "bounds",
    "distance",
    "hit",
    "hits_along",
    "invert",
    "markup",
    "moved",
    "nearest_word",
    "quads",
    "select_words",
    "simplify",
    "stroke",
    "transform",
]

INK_TOLERANCE = 0.35  # points: a simplified stroke stays this close to what was drawn (0.12 mm)
# a stroke stays well under the server's limit of points a stroke (1,000: sync/protocol/limits.py)
INK_MAX_POINTS = MAX_STROKE_POINTS * 4 // 5
NOTE_SIZE = 20.0  # points: the side of a sticky note's icon


# --- matrices ----------------------------------------------------------------------------------------------


def transform(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """``(x, y)`` mapped by ``m`` = (a, b, c, d, e, f): (a·x + c·y + e, b·x + d·y + f)."""
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if det == 0:
        raise ValueError(f"matrix {m!r} cannot be inverted")
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(ia * e + ic * f), -(ib * e + id_ * f))


# --- text selection ---------------------------------------------------------------------------------------


def _box_distance(w: Word, x: float, y: float) -> tuple[float, float]:
    dx = max(w.x0 - x, 0.0, x - w.x1)
    dy = max(w.y0 - y, 0.0, y - w.y1)
    return dx, dy


def nearest_word(words: Sequence[Word], x: float, y: float, *, reach: float = math.inf) -> int | None:
    """The index of the word at ``(x, y)``, else of the nearest one within ``reach`` points: first among
    the words of a line at the point's height (beside the end of a line is that line's last word), else
    with a vertical distance counting three times a horizontal one; None when there is none."""
    best: tuple[bool, float, int] | None = None
    for index, w in enumerate(words):
        dx, dy = _box_distance(w, x, y)
        if dx == dy == 0:
            return index
        key = (dy > 0, math.hypot(dx, 3 * dy), index)
        if math.hypot(dx, dy) <= reach and (best is None or key < best):
            best = key
    return None if best is None else best[2]


def select_words(
    words: Sequence[Word], start: tuple[float, float], end: tuple[float, float], *, reach: float = 40.0
) -> range:
    """The words from the one at (or nearest to) ``start`` to the one at ``end``, in reading order,
    whole words; empty when no word is within ``reach`` points of either end."""
    a = nearest_word(words, *start, reach=reach)
    b = nearest_word(words, *end, reach=reach)
    if a is None or b is None:
        return range(0)
    return range(min(a, b), max(a, b) + 1)


def _runs(words: Sequence[Word], indexes: Iterable[int]) -> list[list[Word]]:
    """Consecutive words on the same line (PyMuPDF's block and line), in order."""
    runs: list[list[Word]] = []
    last: tuple[int, int, int] | None = None
    for i in indexes:
        w = words[i]
        if last is not None and (w.block, w.line) == last[:2] and i == last[2] + 1:
            runs[-1].append(w)
        else:
            runs.append([w])
        last = (w.block, w.line, i)
    return runs


def quads(words: Sequence[Word], indexes: Iterable[int]) -> tuple[Quad, ...]:
    """One quad per line run of the words: upper left, upper right, lower left, lower right."""
    out: list[Quad] = []
    for run in _runs(words, indexes):
        x0, y0 = min(w.x0 for w in run), min(w.y0 for w in run)
        x1, y1 = max(w.x1 for w in run), max(w.y1 for w in run)
        out.append((x0, y0, x1, y0, x0, y1, x1, y1))
    return tuple(out)


def markup(page: PageWords, indexes: Sequence[int]) -> dict[str, Any]:
    """The fields of a text markup record over the words ``indexes`` of ``page``: ``quads``, ``quote``
    and ``page_text_hash`` (raises ValueError when the selection holds no words)."""
    chosen = [i for i in indexes if 0 <= i < len(page.words)]
    if not chosen:
        raise ValueError("no words selected")
    found = [page.words[i] for i in chosen if page.words[i].end > page.words[i].start]
    if found:
        quote = quote_at(page.text, found[0].start, found[-1].end)
    else:  # the words are not in the stored text (should not happen): quote them as they are
        quote = TextQuote(" ".join(page.words[i].text for i in chosen))
    return {"quads": quads(page.words, chosen), "quote": quote, "page_text_hash": page_text_hash(page.text)}


# --- ink ---------------------------------------------------------------------------------------------------


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points: Sequence[InkPoint], tolerance: float = INK_TOLERANCE) -> Stroke:
    """Ramer–Douglas–Peucker on the positions: the points that keep the line within ``tolerance``
    points of the drawn one, each with its own pressure. Iterative (long strokes do not recurse)."""
    n = len(points)
    if n <= 2:
        return tuple(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first][0], points[first][1]
        bx, by = points[last][0], points[last][1]
        worst, at = -1.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(points[i][0], points[i][1], ax, ay, bx, by)
            if d > worst:
                worst, at = d, i
        if at >= 0 and worst > tolerance:
            keep[at] = True
            stack += [(first, at), (at, last)]
        elif at >= 0 and (jump := _pressure_jump(points, first, last)) >= 0:
            keep[jump] = True  # the pressure changes along a straight line: keep where it strays most
            stack += [(first, jump), (jump, last)]
    return tuple(p for p, kept in zip(points, keep, strict=True) if kept)


def _pressure_jump(points: Sequence[InkPoint], first: int, last: int) -> int:
    """The point between two kept ones whose pressure strays most (by more than 0.1) from their straight
    interpolation (a stroke drawn straight but pressed harder in the middle keeps that), else -1."""
    p0, p1 = points[first][2], points[last][2]
    if p0 is None or p1 is None or last - first < 2:
        return -1
    worst, at = 0.1, -1
    for i in range(first + 1, last):
        p = points[i][2]
        if p is not None and (d := abs(p - (p0 + (p1 - p0) * (i - first) / (last - first)))) > worst:
            worst, at = d, i
    return at


def stroke(points: Iterable[tuple[float, float, float | None]], tolerance: float = INK_TOLERANCE) -> Stroke:
    """A stroke for a record from raw points: non-finite points dropped, pressure clamped to [0, 1] (None
    where the device gives none), consecutive duplicates merged, simplified (see `simplify`); a very long
    stroke is simplified harder, and at last thinned evenly, to at most INK_MAX_POINTS points."""
    clean: list[InkPoint] = []
    for x, y, pressure in points:
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        p = None if pressure is None or not math.isfinite(pressure) else max(0.0, min(1.0, pressure))
        if clean and clean[-1][0] == x and clean[-1][1] == y:
            continue
        clean.append((float(x), float(y), p))
    simple = simplify(clean, tolerance)
    for _ in range(6):
        if len(simple) <= INK_MAX_POINTS:
            return simple
        tolerance *= 2
        simple = simplify(simple, tolerance)
    if len(simple) > INK_MAX_POINTS:  # pressure changes everywhere: keep evenly spaced points and the last
        step = math.ceil(len(simple) / (INK_MAX_POINTS - 1))
        simple = (*simple[:-1:step], simple[-1])
    return simple


# --- hit testing and moving -------------------------------------------------------------------------------


def bounds(a: Annotation) -> Rect:
    """The box around an annotation's geometry (ink: its points, grown by half the pen width)."""
    if a.rect is not None:
        return a.rect
    if a.quads:
        xs = [q[i] for q in a.quads for i in (0, 2, 4, 6)]
        ys = [q[i] for q in a.quads for i in (1, 3, 5, 7)]
        return min(xs), min(ys), max(xs), max(ys)
    xs = [p[0] for s in a.strokes for p in s]
    ys = [p[1] for s in a.strokes for p in s]
    half = a.width / 2
    return min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half


def _rect_distance(r: Rect, x: float, y: float) -> float:
    return math.hypot(max(r[0] - x, 0.0, x - r[2]), max(r[1] - y, 0.0, y - r[3]))


def distance(a: Annotation, x: float, y: float) -> float:
    """How far ``(x, y)`` is from the annotation (0 on it): text markup and boxes by their rectangles,
    ink by its segments less half the pen width."""
    if a.kind is Kind.INK:
        best = math.inf
        for s in a.strokes:
            if len(s) == 1:
                best = min(best, math.hypot(x - s[0][0], y - s[0][1]))
            for p, q in itertools.pairwise(s):
                best = min(best, _segment_distance(x, y, p[0], p[1], q[0], q[1]))
        return max(0.0, best - a.width / 2)
    if a.quads:
        return min(
            _rect_distance((min(q[0], q[4]), min(q[1], q[3]), max(q[2], q[6]), max(q[5], q[7])), x, y)
            for q in a.quads
        )
    return _rect_distance(bounds(a), x, y)


def hit(
    annotations: Iterable[Annotation], page: int, x: float, y: float, tolerance: float = 3.0
) -> Annotation | None:
    """The annotation of ``page`` at ``(x, y)`` within ``tolerance`` points: the nearest, and among
    equally near ones the last (the one painted on top)."""
    best: tuple[float, Annotation] | None = None
    for a in annotations:
        if a.page != page or not a.alive:
            continue
        d = distance(a, x, y)
        if d <= tolerance and (best is None or d <= best[0]):
            best = (d, a)
    return None if best is None else best[1]


def hits_along(
    annotations: Iterable[Annotation],
    page: int,
    points: Sequence[tuple[float, float]],
    tolerance: float = 3.0,
) -> list[Annotation]:
    """The annotations of ``page`` that a drag through ``points`` touches (the eraser), in their order."""
    if not points:
        return []
    samples: list[tuple[float, float]] = [points[0]]
    for (ax, ay), (bx, by) in itertools.pairwise(points):  # no gaps wider than the tolerance
        steps = max(1, math.ceil(math.hypot(bx - ax, by - ay) / max(tolerance, 0.5)))
        samples += [(ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps) for k in range(1, steps + 1)]
    out = []
    for a in annotations:
        if a.page != page or not a.alive:
            continue
        box = bounds(a)
        near = [p for p in samples if _rect_distance(box, *p) <= tolerance]
        if any(distance(a, px, py) <= tolerance for px, py in near):
            out.append(a)
    return out


def moved(a: Annotation, dx: float, dy: float) -> dict[str, Any]:
    """The placement fields of ``a`` translated by ``(dx, dy)`` points (for `AnnotationModel.update`)."""
    changes: dict[str, Any] = {}
    if a.quads:
        changes["quads"] = tuple(
            tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(q)) for q in a.quads
        )
    if a.strokes:
        changes["strokes"] = tuple(tuple((p[0] + dx, p[1] + dy, p[2]) for p in s) for s in a.strokes)
    if a.rect is not None:
        r = a.rect
        changes["rect"] = (r[0] + dx, r[1] + dy, r[2] + dx, r[3] + dy)
    if a.point is not None:
        changes["point"] = (a.point[0] + dx, a.point[1] + dy)
    return changes
