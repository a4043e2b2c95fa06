"""Qt widgets of the viewer: thin layers over the Qt-free models of :mod:`viewer`.

* :class:`viewer.qt.viewport.Viewport` — one 2D view (QPainter over :class:`viewer.slice_view.SliceView`).
* :class:`viewer.qt.viewer_widget.ViewerWidget` — the composite the application embeds.

PySide6 6.12 on CPython 3.11 loses one reference to ``None`` per call of a C++ method returning
``void`` (a repaint makes ~45) and aborts the interpreter after seconds of scrolling; pyproject.toml
therefore pins PySide6 below 6.12 (tests/viewer/test_viewport.py repaints thousands of times to catch
a binding with that defect).
"""
