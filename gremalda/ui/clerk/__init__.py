"""The clerk workspace in the window (issue 6): meetings, the agenda editor, documents (drag and drop,
file dialog, hot folder, with preflight), links, publishing, late papers, proof of delivery. Shown only
when the signed-in account has the clerk role. See :class:`ClerkWorkspace`."""

from gremalda.ui.clerk.workspace import ClerkWorkspace

__all__ = ["ClerkWorkspace"]
