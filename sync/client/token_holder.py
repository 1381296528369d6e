"""The tokens of one signed-in device, held once for every `ServerApi` that acts for it.

The server rotates the refresh token on each refresh and revokes the device when a rotated one comes
back (the sign of a stolen token). So two clients of the same device must never refresh with the same
refresh token: the second would sign the member out. A `TokenHolder` is what they share: the current
tokens under one lock. A request answered with 401 calls `renew` with the tokens it used; under the lock
the holder

1. does nothing if its tokens changed meanwhile (another client of this holder refreshed: retry);
2. else reads the stored tokens again (`reload`: another process using the same data directory, e.g.
   the command line next to the desktop client, may have refreshed and saved them) and, if they are
   newer, adopts them instead of refreshing;
3. else refreshes, keeps the new tokens and hands them to `save` at once.

`exclusive` (optional) is a lock shared with those other processes (a file lock), held around steps
2 and 3, so that no two processes refresh with the same token either.

Stored tokens are newer only if their refresh token is not one this holder has already spent: when
saving fails, the store still holds the spent tokens, and adopting them would lead to presenting a
used refresh token.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.client.auth import Tokens

_SPENT_KEPT = 32  # refresh tokens remembered as used; far more than one process spends between saves


class TokenHolder:
    """The current tokens of one device (thread-safe). Share one per device and data directory."""

    def __init__(
        self,
        tokens: Tokens | None = None,
        *,
        save: Callable[[Tokens], None] | None = None,
        reload: Callable[[], Tokens | None] | None = None,
        exclusive: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        """`save` persists new tokens (after login and each refresh); `reload` reads the persisted
        tokens (None when there are none or they cannot be read); `exclusive` returns a lock held
        against other processes of the same device while the tokens are re-read and refreshed."""
        self._tokens = tokens
        self._save = save
        self._reload = reload
        self._exclusive = exclusive
        self._lock = threading.Lock()
        self._spent: deque[str] = deque(maxlen=_SPENT_KEPT)

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    def set(self, tokens: Tokens | None) -> None:
        """Uses these tokens (e.g. loaded from storage); does not save them."""
        with self._lock:
            self._tokens = tokens

    def adopt(self, tokens: Tokens) -> None:
        """Uses new tokens (a sign-in) and saves them."""
        with self._lock:
            self._tokens = tokens
            if self._save is not None:
                self._save(tokens)

    def renew(self, used: Tokens, refresh: Callable[[str], Tokens]) -> None:
        """After a 401 to a request made with `used`: make the holder's tokens valid ones, by taking
        those another client already got or, failing that, by calling `refresh` (which exchanges a
        refresh token for new tokens and raises when the server refuses)."""
        with self._lock:
            if self._tokens != used:
                return  # another client of this holder refreshed meanwhile (or new tokens were set)
            with self._exclusive() if self._exclusive is not None else nullcontext():
                stored = self._reload() if self._reload is not None else None
                if stored is not None and stored != used and stored.refresh_token not in self._spent:
                    self._tokens = stored  # another process refreshed (or signed in again): use its tokens
                    return
                new = refresh(used.refresh_token)
                self._spent.append(used.refresh_token)
                self._tokens = new  # even if saving fails, keep working with the only valid tokens
                if self._save is not None:
                    self._save(new)
