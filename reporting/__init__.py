"""Structured French imaging report (Qt-free; the PDF and the editor are in ``reporting.qt``).

Entry points:

* ``model``: the report (four ANS chapters + sourced structured blocks), ``new_draft``, ``new_version``;
* ``order.site_messages``: the report's view of the order record (``hl7v2.order.Order``);
  ``study.scan_study`` / ``scan_headers``: the images' headers; ``dose``: the dose from RDSR or headers;
* ``draft.compose``: a draft report from those sources and the radiologist's Markdown (``markdown``);
* ``checks.check`` / ``checks.sign``: the pre-sign checks (stable codes, French messages, field paths);
* ``pipeline.build_and_wrap``: the CI-SIS CDA (``cda``) and its HL7 message (``hl7``) for a signed report;
* ``html.report_html``: the readable page the PDF is made from;
* ``templates``: report templates per exam (``resources/templates``, IHE MRRT subset), their choice
  for an exam, fields and macros (``macros``);
* ``qt.editor.ReportEditor``: the editor panel (``python -m reporting.qt`` opens it alone);
* ``python -m reporting.render``: all of the above from files, headless.
"""
