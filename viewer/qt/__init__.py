"""Qt widgets of the viewer: thin layers over the Qt-free models of :mod:`viewer`.

* :class:`viewer.qt.viewport.Viewport` — one 2D view (QPainter over :class:`viewer.slice_view.SliceView`).
* :class:`viewer.qt.viewer_widget.ViewerWidget` — the composite the application embeds.

Importing this package also protects the process against a reference-counting defect of PySide6 6.12
on CPython 3.11 (measured here: every call of a C++ method returning ``void`` — ``QPainter.setPen``,
``QWidget.update``, ``QPoint.setX``… — takes one reference from ``None`` and never gives it back;
6.11.2 does not). A viewport repaint makes ~45 such calls, so the interpreter aborted with
"none_dealloc: deallocating None" after about ten seconds of scrolling. CPython 3.12 made ``None``
immortal (PEP 683); on 3.11 the same is obtained by giving ``None`` a reference count that no session
can exhaust. The real fix is a PySide6 without the defect or Python >= 3.12; this guard only makes the
defect harmless meanwhile, and it does nothing where the defect cannot occur.
"""
from __future__ import annotations

import ctypes
import sys

# 2**60 references: at ~100 million lost references per hour this lasts longer than any machine.
_NONE_RESERVE = 1 << 60


def keep_none_alive() -> None:
    """Raise the reference counts of ``None``, ``True`` and ``False`` far out of reach of the binding's
    leak (CPython < 3.12 only; the booleans were seen to abort the same way, "bool_dealloc")."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is PyObject's first field
        if count.value < _NONE_RESERVE // 2:
            count.value += _NONE_RESERVE


keep_none_alive()
