"""DICOM viewing without Qt: loading, geometry, display maths. Qt belongs in ``viewer.qt`` only.

Entry points:
* :class:`viewer.loader.StudyLoader` — non-blocking, progressive loading of files and folders into
  :class:`viewer.series.Series` (int16-or-smaller volumes, geometry, warnings in French); keep one per
  application, ``warm_up()`` it at start-up, ``close()`` it at exit. It starts worker processes with the
  ``spawn`` method: a program using it needs the ``if __name__ == "__main__":`` guard (and
  ``multiprocessing.freeze_support()`` when frozen).
* :mod:`viewer.windowing` and :mod:`viewer.gsdf` — PS3.3 C.11 window/level and the PS3.14 calibration.
* :class:`viewer.slice_view.SliceView` — the state of a 2D view and its rendering to 8-bit images.
* ``python -m viewer.inspect PATH... [--json]`` — what the loader finds, for support and checks.
"""
