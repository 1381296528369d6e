"""Work around PySide6 6.12.0 dropping references to ``None``, ``True`` and ``False`` on Python 3.11.

This PySide6 returns ``None`` from every void method (``widget.update()``, ``scrollbar.setValue()``,
``QApplication.processEvents()``, …), ``True`` from ``SignalInstance.emit()`` and ``False`` from a failed
``disconnect()`` without taking the reference the caller will give back. On Python ≥ 3.12 those objects
are immortal and nothing happens; on 3.11 every such call costs one reference, and after a few thousand
calls (a minute of scrolling) the interpreter aborts: "Fatal Python error: none_dealloc: deallocating
None" (or ``bool_dealloc``).

`install` measures whether the running PySide6 has the bug and, only then, does what Python 3.12 does:
it gives the affected singletons a refcount so large that no leak can bring it to zero. It is idempotent
and a no-op on Python ≥ 3.12, on a fixed PySide6 and on debug builds of Python (whose object layout
differs). Call it once before Qt code runs; importing `gremalda.ui.viewer` does.
"""

from __future__ import annotations

import ctypes
import sys
import warnings
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

__all__ = ["install"]

_PROBES = 8
_HEADROOM = 1 << 40  # ≈ 10^12 leaked calls before trouble: the lifetime of any session
_done: dict[str, bool] = {}


class _Probe(QObject):
    ping = Signal()


def _leaks(call: Callable[[], object], value: object) -> bool:
    """Whether each ``call()`` costs ``value`` a reference."""
    before = sys.getrefcount(value)
    for _ in range(_PROBES):
        call()
    return before - sys.getrefcount(value) >= _PROBES


def _immortalize(value: object) -> None:
    refcount = ctypes.c_ssize_t.from_address(id(value))  # ob_refcnt: the first field of every object
    refcount.value += _HEADROOM


def install() -> dict[str, bool]:
    """Protect the singletons this PySide6 leaks; returns which were protected (by name)."""
    if _done:
        return dict(_done)
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        _done.update({"None": False, "True": False, "False": False})
        return dict(_done)
    probe = _Probe()

    def failed_disconnect() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Failed to disconnect": exactly what we provoke
            probe.ping.disconnect(failed_disconnect)

    checks: list[tuple[str, object, Callable[[], object]]] = [
        ("None", None, lambda: probe.setObjectName("probe")),
        ("True", True, probe.ping.emit),
        ("False", False, failed_disconnect),
    ]
    for name, value, call in checks:
        _done[name] = _leaks(call, value)
        if _done[name]:
            _immortalize(value)
    probe.deleteLater()
    return dict(_done)
