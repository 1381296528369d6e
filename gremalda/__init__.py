"""Gremalda: paperless meeting and e-file desktop client."""

__version__ = "0.1.0"
