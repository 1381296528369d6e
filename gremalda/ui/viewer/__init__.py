"""The document viewer: continuous page view, thumbnails, outline, find (issue 4, DESIGN §2–§3).

`RenderBridge` (one per application) owns the `gremalda.pdf.render.Renderer` worker processes and the tile
cache; every `DocumentView` draws from it. Nothing here waits on a render: results come back as queued
signals.
"""

from gremalda.ui.viewer.document_view import DocumentView
from gremalda.ui.viewer.render_bridge import RenderBridge

__all__ = ["DocumentView", "RenderBridge"]
