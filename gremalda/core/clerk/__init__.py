"""The clerk workspace (issue 6), Qt-free: :class:`ClerkService`, :class:`HotFolder`,
:class:`DeliveryTable`, and the preflight in :mod:`gremalda.pdf.preflight`."""

from gremalda.core.clerk.deliveries import DeliveryRow, DeliveryTable
from gremalda.core.clerk.hotfolder import HotFolder
from gremalda.core.clerk.service import ClerkService

__all__ = ["ClerkService", "DeliveryRow", "DeliveryTable", "HotFolder"]
