"""Qt-side of reporting: what needs Qt to be drawn (the PDF)."""
