"""Qt side of reporting: what needs Qt to be drawn or used (the PDF, the editor panel).

``pdf.write_pdf`` lays the report out for the site; ``editor.ReportEditor`` is the panel beside the
viewer (``python -m reporting.qt`` opens it alone on an order, its complement and its images).
"""
