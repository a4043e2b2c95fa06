"""Qt widgets of the viewer: thin layers over the Qt-free models of :mod:`viewer`.

* :class:`viewer.qt.viewport.Viewport` — one 2D view (QPainter over :class:`viewer.slice_view.SliceView`).
* :class:`viewer.qt.viewer_widget.ViewerWidget` — the composite the application embeds.
"""
