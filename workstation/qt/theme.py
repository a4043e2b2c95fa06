"""The reading-room look: dark, low-contrast chrome so the eye stays adapted to the images.

Radiologists read in dim rooms; a white window next to a CT slice ruins dark adaptation. The chrome
is therefore dark grey (not black, which makes text halo), text is off-white, and colour is kept for
meaning only: red for urgent, amber for warnings, green for "connected". Colours are named here once
so the table, the detail pane and the style sheet agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from resources.translations import SOURCE_LANGUAGE
from resources.translations import qt as language
from viewer.qt import display_scale


@dataclass(frozen=True, slots=True)
class Colours:
    window: str = "#1b1e23"
    base: str = "#15171b"
    alternate: str = "#1a1d22"
    panel: str = "#22262d"
    border: str = "#30353e"
    text: str = "#d5d9e0"
    muted: str = "#8a919c"
    faint: str = "#5d636d"
    accent: str = "#5b8fd1"
    selection: str = "#2c4a6e"
    urgent: str = "#e5676b"
    urgent_bg: str = "#3a2326"
    warning: str = "#e0b25c"
    warning_bg: str = "#3a3120"
    ok: str = "#6fbf8a"
    cancelled: str = "#737984"


COLOURS = Colours()

STYLE_SHEET = f"""
QWidget {{ font-size: 10.5pt; }}
QMainWindow, QDialog {{ background: {COLOURS.window}; }}
QToolTip {{ background: {COLOURS.panel}; color: {COLOURS.text}; border: 1px solid {COLOURS.border}; }}

QLineEdit, QComboBox {{
    background: {COLOURS.base}; color: {COLOURS.text};
    border: 1px solid {COLOURS.border}; border-radius: 4px; padding: 5px 8px; min-height: 20px;
    selection-background-color: {COLOURS.selection};
}}
QLineEdit:focus, QComboBox:focus {{ border-color: {COLOURS.accent}; }}
QLineEdit:disabled {{ color: {COLOURS.faint}; }}
QComboBox QAbstractItemView {{
    background: {COLOURS.panel}; color: {COLOURS.text}; selection-background-color: {COLOURS.selection};
    border: 1px solid {COLOURS.border};
}}

QPushButton {{
    background: {COLOURS.panel}; color: {COLOURS.text};
    border: 1px solid {COLOURS.border}; border-radius: 4px; padding: 6px 16px; min-height: 20px;
}}
QPushButton:hover {{ border-color: {COLOURS.accent}; }}
QPushButton:default {{ background: #2b4466; border-color: {COLOURS.accent}; }}
QPushButton:disabled {{ color: {COLOURS.faint}; background: {COLOURS.window}; }}

QTableView {{
    background: {COLOURS.base}; alternate-background-color: {COLOURS.alternate};
    color: {COLOURS.text}; gridline-color: transparent; border: 1px solid {COLOURS.border};
    selection-background-color: {COLOURS.selection}; selection-color: #ffffff;
}}
QTableView::item {{ padding: 0 8px; border: none; }}
QHeaderView::section {{
    background: {COLOURS.panel}; color: {COLOURS.muted}; border: none;
    border-bottom: 1px solid {COLOURS.border}; padding: 6px 8px; font-weight: 600;
}}
QTextBrowser {{
    background: {COLOURS.panel}; color: {COLOURS.text}; border: 1px solid {COLOURS.border};
    padding: 6px;
}}
QSplitter::handle {{ background: {COLOURS.window}; }}
QStatusBar {{ background: {COLOURS.panel}; color: {COLOURS.muted}; border-top: 1px solid {COLOURS.border}; }}
QStatusBar QLabel {{ padding: 0 10px; }}
QProgressBar {{ background: {COLOURS.base}; border: none; }}
QProgressBar::chunk {{ background: {COLOURS.accent}; }}
QScrollBar:vertical {{ background: {COLOURS.base}; width: 12px; }}
QScrollBar::handle:vertical {{ background: {COLOURS.border}; min-height: 30px; border-radius: 5px; }}
QScrollBar:horizontal {{ background: {COLOURS.base}; height: 12px; }}
QScrollBar::handle:horizontal {{ background: {COLOURS.border}; min-width: 30px; border-radius: 5px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}

QCheckBox, QRadioButton {{ color: {COLOURS.text}; spacing: 8px; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: 14px; height: 14px; border: 1px solid {COLOURS.muted}; background: {COLOURS.base};
}}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator {{ border-radius: 3px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{
    background: {COLOURS.accent}; border-color: {COLOURS.accent};
}}
QPlainTextEdit {{
    background: {COLOURS.base}; color: {COLOURS.text}; border: 1px solid {COLOURS.border}; border-radius: 4px;
}}
QPlainTextEdit:focus {{ border-color: {COLOURS.accent}; }}

#loginTitle {{ font-size: 15pt; font-weight: 600; color: {COLOURS.text}; }}
#loginSubtitle, #countLabel {{ color: {COLOURS.muted}; }}
#loginError, #banner {{
    color: {COLOURS.urgent}; background: {COLOURS.urgent_bg}; border: 1px solid #5a3034;
    border-radius: 4px; padding: 8px 10px;
}}
#lockPanel {{ background: {COLOURS.panel}; border: 1px solid {COLOURS.border}; border-radius: 6px; }}
#lockScreen {{ background: {COLOURS.window}; }}
#banner[level="warning"] {{
    color: {COLOURS.warning}; background: {COLOURS.warning_bg}; border-color: #5a4a2a;
}}
"""

DOCUMENT_CSS = f"""
h2 {{ color: {COLOURS.text}; font-size: 13pt; margin: 0 0 8px 0; }}
h3 {{ color: {COLOURS.accent}; font-size: 10.5pt; margin: 14px 0 4px 0; }}
p {{ margin: 2px 0; }}
td {{ padding: 2px 6px 2px 0; vertical-align: top; }}
td.k {{ color: {COLOURS.muted}; white-space: nowrap; padding-right: 14px; }}
.warn {{ color: {COLOURS.warning}; }}
.cancel {{ color: {COLOURS.urgent}; font-weight: 600; }}
.placeholder {{ color: {COLOURS.faint}; }}
"""
"""Rich text (order, report preview) in the same colours as the chrome."""


def palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: COLOURS.window,
        QPalette.ColorRole.WindowText: COLOURS.text,
        QPalette.ColorRole.Base: COLOURS.base,
        QPalette.ColorRole.AlternateBase: COLOURS.alternate,
        QPalette.ColorRole.Text: COLOURS.text,
        QPalette.ColorRole.Button: COLOURS.panel,
        QPalette.ColorRole.ButtonText: COLOURS.text,
        QPalette.ColorRole.Highlight: COLOURS.selection,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: COLOURS.panel,
        QPalette.ColorRole.ToolTipText: COLOURS.text,
        QPalette.ColorRole.PlaceholderText: COLOURS.faint,
        QPalette.ColorRole.Link: COLOURS.accent,
        QPalette.ColorRole.BrightText: COLOURS.urgent,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(COLOURS.faint))
    return pal


BASE_POINTS = 10.5
_SIZE = re.compile(r"(\d+(?:\.\d+)?)(pt|px)")


def scaled_style_sheet(scale: float) -> str:
    """:data:`STYLE_SHEET` with its font sizes, paddings and minimum heights times ``scale`` (hairline
    borders stay one pixel)."""
    if abs(scale - 1.0) < 0.01:
        return STYLE_SHEET

    def grow(match: re.Match[str]) -> str:
        value = float(match.group(1))
        if match.group(2) == "px" and value <= 1:
            return match.group(0)
        if match.group(2) == "pt":
            return f"{value * scale:.1f}pt"
        return f"{round(value * scale)}px"

    return _SIZE.sub(grow, STYLE_SHEET)


def interface_scale() -> float:
    """The interface's text scale now (physical size on the main screen x the user's zoom)."""
    return display_scale.interface_scale()


def points(value: float) -> float:
    """A point size of a widget's own style sheet, at the interface's scale."""
    return round(value * interface_scale(), 1)


def apply(app: QApplication) -> None:
    """Fusion (identical on every desktop) with the reading-room palette and style sheet; French
    unless a language was already chosen (Qt's own strings and number formats follow it). Text is
    sized for the screen (:mod:`viewer.qt.display_scale`: physical points and the user's zoom)."""
    if not hasattr(app, "_tlr_language"):
        language.install(app, SOURCE_LANGUAGE)
    app.setStyle("Fusion")
    app.setPalette(palette())
    scale = interface_scale()
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINTS * scale)
    app.setFont(font)
    app.setStyleSheet(scaled_style_sheet(scale))


def apply_display_settings(
    app: QApplication,
    physical: bool = True,
    interface_zoom_percent: int = 100,
    overlay_zoom_percent: int = 100,
) -> None:
    """The workstation's display settings (physical sizing, zooms), then the theme at that scale."""
    display_scale.configure(physical, interface_zoom_percent / 100, overlay_zoom_percent / 100)
    apply(app)
