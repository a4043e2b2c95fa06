"""The expert's answer is signed as a report is (issue 17): the password at most every 15 minutes of
one unlocked session (auth.signing), otherwise a quick confirmation naming the request, where
Enter signs and Escape does not; a wrong password signs nothing. A real session on a stand-in
platform (the password checks are counted), a stand-in desk (what was signed is recorded)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from auth.session import Identity, Session
from auth.signing import SIGNATURE_WINDOW, SignatureConfirmation
from workstation.expertise import ExpertiseAnswer, ExpertiseRequest, ExpertiseStatus, Person
from workstation.qt.expertise_dialogs import AnswerExpertiseDialog
from workstation.qt.tasks import Tasks

LAMBERT = Identity("dr.lambert", "10009876543", "LAMBERT", "Julien", "Dr")
PASSWORD = "mdp-lambert"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Platform:
    def __init__(self) -> None:
        self.checks = 0

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        return LAMBERT

    def verify_password(self, login: str, password: str) -> bool:
        self.checks += 1
        return password == PASSWORD


class Desk:
    def __init__(self, session: Session) -> None:
        self.ws = SimpleNamespace(session=session)
        self.signed: list[tuple[str, ExpertiseAnswer]] = []

    def sign_report(self, request: ExpertiseRequest, answer: ExpertiseAnswer, when: datetime) -> object:
        self.signed.append((request.request_id, answer))
        return object()


def _request(request_id: str) -> ExpertiseRequest:
    now = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    return ExpertiseRequest(
        request_id, "CMD-1", ExpertiseStatus.OPEN, True, "Lésion hépatique ?", "", "oral", "dr.moreau", now,
        Person("dr.moreau", family="MOREAU", given="Hélène", title="Dr"), None, "neuro", (), now,
        None, None, None, None, None, None, (), (), (), "expert",
    )


@pytest.fixture
def setting(qtbot) -> Any:  # type: ignore[no-untyped-def]
    clock, platform = Clock(), Platform()
    session = Session(platform, clock=clock)
    session.login(LAMBERT.login, PASSWORD, "123456")
    window = SignatureConfirmation(session, clock=clock)
    tasks = Tasks()
    yield SimpleNamespace(clock=clock, platform=platform, session=session, window=window, tasks=tasks,
                          desk=Desk(session))
    tasks.shutdown()
    window.close()


def _dialog(qtbot, s: Any, request_id: str, password: str | None) -> tuple[AnswerExpertiseDialog, list[int]]:  # type: ignore[no-untyped-def]
    dialog = AnswerExpertiseDialog(s.desk, s.tasks, _request(request_id), signature=s.window)
    qtbot.addWidget(dialog)
    dialog.opinion.setPlainText("Aspect d'hémangiome typique.")
    asked: list[int] = []

    def prompt() -> str | None:
        asked.append(1)
        return password

    dialog.password_prompt = prompt
    dialog.show()
    return dialog, asked


def test_password_once_then_a_quick_confirmation_within_the_window(qtbot, setting) -> None:  # type: ignore[no-untyped-def]
    s = setting
    first, asked = _dialog(qtbot, s, "EXP-1", PASSWORD)
    qtbot.mouseClick(first.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(s.desk.signed) == 1, timeout=10000)
    assert asked == [1] and s.platform.checks == 1
    assert first.result() == AnswerExpertiseDialog.DialogCode.Accepted

    # a second answer five minutes later: no password, a confirmation that names the request
    s.clock.now += 300
    second, asked = _dialog(qtbot, s, "EXP-2", None)
    qtbot.mouseClick(second.sign_button, Qt.MouseButton.LeftButton)
    box = second.signature_box
    assert isinstance(box, QMessageBox) and box.isVisible() and asked == []
    assert "EXP-2" in box.text() and "Signer" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape does not sign
    qtbot.waitUntil(lambda: second.signature_box is None)
    assert len(s.desk.signed) == 1 and second.isVisible()
    qtbot.mouseClick(second.sign_button, Qt.MouseButton.LeftButton)
    box = second.signature_box
    assert box is not None and box.defaultButton().text() == "Signer"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter on « Signer » signs
    qtbot.waitUntil(lambda: len(s.desk.signed) == 2, timeout=10000)
    assert s.desk.signed[1][0] == "EXP-2" and asked == [] and s.platform.checks == 1

    # the window is fixed: 15 minutes after the password, it is asked again
    s.clock.now += SIGNATURE_WINDOW - 300
    third, asked = _dialog(qtbot, s, "EXP-3", PASSWORD)
    qtbot.mouseClick(third.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(s.desk.signed) == 3, timeout=10000)
    assert asked == [1] and third.signature_box is None and s.platform.checks == 2


def test_a_lock_closes_the_window_and_a_wrong_password_signs_nothing(qtbot, setting) -> None:  # type: ignore[no-untyped-def]
    s = setting
    first, _ = _dialog(qtbot, s, "EXP-1", PASSWORD)
    qtbot.mouseClick(first.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(s.desk.signed) == 1, timeout=10000)
    s.session.lock()
    s.session.unlock(PASSWORD)  # the password typed to unlock does not open the signature window
    wrong, asked = _dialog(qtbot, s, "EXP-2", "pas-le-bon")
    qtbot.mouseClick(wrong.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Mot de passe incorrect" in wrong.status.text(), timeout=10000)
    assert asked == [1] and wrong.signature_box is None
    assert len(s.desk.signed) == 1 and wrong.sign_button.isEnabled() and wrong.isVisible()
