"""The synchronous HTTP layer of the sync engine: `ServerApi`, the one client of a Gremalda server
(sign-in, the change feed, file downloads, pushing what the device made, the clerk's writes and
uploads, the push channel).

One `ServerApi` wraps one `httpx.Client` and may be shared by the engine's threads. It never returns
raw HTTP: answers are checked and parsed into dataclasses, and every failure becomes one of the errors
in `sync.client.errors` (nothing else escapes, in particular no KeyError or TypeError from a strange
answer). It is put together from one mixin per group of routes, each in the module named after it, on
the common `sync.client.session.Session` (connection, tokens, signing in, checked requests). The names
below are re-exported here, where the rest of the code imports them from.
"""

from __future__ import annotations

from sync.client.annotations import MAX_PUSH_ITEMS as MAX_PUSH_ITEMS
from sync.client.annotations import AnnotationRoutes
from sync.client.annotations import AnnotationState as AnnotationState
from sync.client.annotations import PushAnswer as PushAnswer
from sync.client.annotations import PushItem as PushItem
from sync.client.auth import Account as Account
from sync.client.auth import SignIn as SignIn
from sync.client.auth import Tokens as Tokens
from sync.client.connection import check_server_url as check_server_url
from sync.client.connection import is_loopback as is_loopback
from sync.client.deliveries import DeliveryAnswer as DeliveryAnswer
from sync.client.deliveries import DeliveryReport as DeliveryReport
from sync.client.deliveries import DeliveryRoutes
from sync.client.downloads import DownloadResult as DownloadResult
from sync.client.downloads import DownloadRoutes
from sync.client.downloads import Sink as Sink
from sync.client.event_stream import EventRoutes
from sync.client.feed import Change as Change
from sync.client.feed import ChangePage as ChangePage
from sync.client.feed import FeedRoutes
from sync.client.responses import retry_after as retry_after
from sync.client.sse import ServerEvent as ServerEvent
from sync.client.uploads import UploadResult as UploadResult
from sync.client.uploads import UploadRoutes
from sync.client.writes import WriteRoutes


class ServerApi(
    FeedRoutes,
    DownloadRoutes,
    AnnotationRoutes,
    DeliveryRoutes,
    EventRoutes,
    WriteRoutes,
    UploadRoutes,
):
    """Talks to one Gremalda server. Thread-safe; close it (or use `with`) when done. See
    `sync.client.session.Session` for the constructor, the tokens and signing in."""
