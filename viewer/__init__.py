"""DICOM viewing without Qt: loading, geometry, display maths. Qt belongs in ``viewer.qt`` only.

Entry points:
* :class:`viewer.loader.StudyLoader` — non-blocking, progressive loading of files and folders into
  :class:`viewer.series.Series` (int16-or-smaller volumes, geometry, warnings in French); keep one per
  application, ``warm_up()`` it at start-up, ``close()`` it at exit. It starts worker processes with the
  ``spawn`` method: a program using it needs the ``if __name__ == "__main__":`` guard (and
  ``multiprocessing.freeze_support()`` when frozen).
* :mod:`viewer.windowing` and :mod:`viewer.gsdf` — PS3.3 C.11 window/level and the PS3.14 calibration.
* :class:`viewer.slice_view.SliceView` — the state of a 2D view and its rendering to 8-bit images.
* :mod:`viewer.measure` — lengths, angles, Cobb, ROI statistics as :class:`~viewer.measure.Measurement`
  values (patient mm, French report sentence); :mod:`viewer.plane` — where an image's pixels are.
* :mod:`viewer.mpr` — axial / coronal / sagittal / oblique reformats and slabs from the int16 volume.
* :mod:`viewer.presets` — window presets (Weasis keys) and volume rendering presets.
* ``viewer.qt`` — the widgets: :class:`viewer.qt.viewer_widget.ViewerWidget` (what the application
  embeds), :class:`viewer.qt.viewport.Viewport`, :class:`viewer.qt.volume3d.VolumeView`.
* ``python -m viewer.inspect PATH... [--json]`` — what the loader finds, for support and checks.
"""
