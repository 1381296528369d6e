"""Errors of the annotation records (see :mod:`gremalda.errors` for the hierarchy)."""

from __future__ import annotations

from gremalda.errors import GremaldaError
from sync.protocol.limits import MAX_ANNOTATION_BYTES, MAX_INK_STROKES, MAX_STROKE_POINTS


class InvalidAnnotation(GremaldaError):
    """An annotation record does not hold together (a bad field, geometry that does not fit its kind,
    malformed stored or received data). ``detail`` names the field."""

    title = "Invalid annotation"
    default_message = "An annotation could not be read or saved because its data is not valid."
    environment = False


class AnnotationMismatch(InvalidAnnotation):
    """Two records were merged that are not versions of the same annotation."""

    title = "Annotations do not match"
    default_message = "Two different annotations were taken for the same one. Please report it, with the log."


class ReadOnlyAnnotation(GremaldaError):
    """Someone else's shared annotation: it shows here, but only its author can change it."""

    title = "Annotation is read-only"
    default_message = "This annotation was made by someone else. Only its author can change or delete it."


class InvalidXfdf(InvalidAnnotation):
    """An XFDF file (annotations exchanged with other PDF programs) cannot be imported: not XML, not
    XFDF, hostile (a DOCTYPE or entities), too large, or an annotation in it does not make sense (a
    bad number, a page the document does not have). Nothing of it has been imported."""

    title = "Invalid XFDF file"
    default_message = (
        "The file is not XFDF annotation data that Gremalda can read. Nothing of it has been imported."
    )
    environment = True


class AnnotationTooLarge(GremaldaError):
    """A change of the user's annotation would make a record the server refuses to share (larger than
    MAX_ANNOTATION_BYTES, see sync/protocol/limits.py): refused when saving, so nothing is stored."""

    title = "Annotation too large"
    default_message = (
        f"This note is too long to be shared: at most {MAX_ANNOTATION_BYTES // 1024} KiB of text and "
        "drawing per annotation. Shorten it, or split it into several annotations. The change was not saved."
    )


class InkTooLarge(AnnotationTooLarge):
    """An ink record with more strokes, or a stroke with more points, than the server takes."""

    default_message = (
        f"This drawing is too large to be shared: at most {MAX_INK_STROKES} strokes of at most "
        f"{MAX_STROKE_POINTS:,} points each. Split it into several drawings. The change was not saved."
    )
