"""Errors of the annotation records (see :mod:`gremalda.errors` for the hierarchy)."""

from __future__ import annotations

from gremalda.errors import GremaldaError


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
