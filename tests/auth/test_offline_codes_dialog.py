"""« Codes de reprise hors ligne… » (issue 23, item 9): the codes the platform issues are shown once,
grouped by four digits; a refusal is said in French; nothing is kept once the dialog is closed."""

from __future__ import annotations

from pathlib import Path

from auth.qt.offline_codes_dialog import OfflineCodesDialog, grouped
from auth.session import PlatformUnreachable

CODES = ["123456789012", "000011112222"]


def test_codes_are_shown_grouped_then_forgotten(qtbot, artifacts_dir: Path) -> None:
    dialog = OfflineCodesDialog(lambda: list(CODES))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.codes_label.isHidden()
    dialog.issue_codes()
    qtbot.waitUntil(lambda: dialog.codes_label.isVisible(), timeout=5000)
    assert dialog.codes_label.text() == "1234 5678 9012\n0000 1111 2222"
    dialog.grab().save(str(artifacts_dir / "auth-offline-codes.png"))
    dialog.reject()
    assert dialog.codes == [] and dialog.codes_label.text() == ""


def test_a_platform_refusal_is_said_and_the_button_comes_back(qtbot) -> None:
    def unreachable() -> list[str]:
        raise PlatformUnreachable("timeout", "La plateforme est injoignable.")

    dialog = OfflineCodesDialog(unreachable)
    qtbot.addWidget(dialog)
    dialog.issue_codes()
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden(), timeout=5000)
    assert dialog.error_label.text() == "La plateforme est injoignable."
    assert dialog.issue_button.isEnabled() and dialog.codes == []


def test_grouping() -> None:
    assert grouped("123456789012") == "1234 5678 9012"
