"""The main window: worklist on the left, the selected order as written on the right.

The window only displays and forwards; the :class:`~workstation.app.Workstation` does the work in
worker threads. Three rules shape it:

* the session owns what may be seen: when it locks or ends, the worklist page is replaced by the
  lock screen and the order text is cleared, so no patient datum stays on an unattended screen;
* a refresh never moves the user: the same order stays selected and the list keeps its scroll;
* the platform's failures are shown in French in the status bar and the banner, never as a crash.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from auth.qt.offline_codes_dialog import OfflineCodesDialog
from auth.session import FullLoginRequired, SessionEvent, SessionEventKind, SessionState, UnlockRejected
from resources.translations import qt as language
from resources.translations.qt import user_message
from viewer.loader import StudyLoader
from workstation import identity_update, selftest
from workstation.app import Workstation
from workstation.calibration import default_store_path
from workstation.connectivity import LinkStatus
from workstation.justification import load_protocols
from workstation.order_view import order_html
from workstation.orders import OrderStatus
from workstation.outbox import Counts, EventKind, ItemState, OutboxEvent
from workstation.platform import PlatformError, WorklistEntry
from workstation.qt import theme
from workstation.qt.diagnostics import DiagnosticsDialog
from workstation.qt.display import Displays, place_on_screen, preferred_screen
from workstation.qt.expertise_dialogs import ExpertiseController
from workstation.qt.identity_addendum_dialog import IdentityAddendumDialog
from workstation.qt.indicators_dialog import show_indicators
from workstation.qt.justification_dialog import JustificationDialog
from workstation.qt.lock_screen import LockScreen
from workstation.qt.reading_page import ReadingPage
from workstation.qt.settings_dialog import ask_settings
from workstation.qt.tasks import Tasks
from workstation.qt.toast import Toast
from workstation.qt.worklist_model import WorklistModel, WorklistTable
from workstation.settings import default_settings_file
from workstation.worklist import (
    LocalStatus,
    OrderReader,
    ReadOrder,
    Scope,
    Unreadable,
    WorklistRow,
    build_rows,
    filter_rows,
    next_case,
)

log = logging.getLogger(__name__)

_ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.MouseMove,
}
_LOCK_REASONS = {
    "idle_timeout": QT_TRANSLATE_NOOP("MainWindow", "Verrouillage automatique après inactivité."),
    "user_request": QT_TRANSLATE_NOOP("MainWindow", "Session verrouillée à votre demande."),
}


class _Relay(QObject):
    """Session and outbox events arrive on whatever thread caused them; the window reacts on the
    GUI thread."""

    event = Signal(object)


class MainWindow(QMainWindow):
    def __init__(
        self, workstation: Workstation, loader: StudyLoader | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = workstation
        self._own_loader = loader is None
        # no warm-up: grey-level studies decode on threads (imagecodecs); the worker processes
        # (~150 MB) start only when a colour or fallback decode needs them
        self.loader = loader or StudyLoader()
        self.tasks = Tasks(self)
        self._all_rows: list[WorklistRow] = []
        self._reader = OrderReader(self._audit_unreadable)  # HL7 read in the worker, each order once
        self._local: dict[str, tuple[LocalStatus, OrderStatus]] = {}  # and the platform status then
        self._selected_id = ""
        self._refreshing = False
        self._last_activity_post = 0.0
        self.login_requested = False  # set when the session needs a new two-factor login

        self.setWindowTitle(self.tr("Téléradiologie — poste de lecture"))
        self.setObjectName("mainWindow")
        self._build_worklist_page()
        self.lock_screen = LockScreen()
        self.reading_page = ReadingPage(self.ws, self.loader, self.tasks)
        # GSDF calibration of each screen, applied to the viewers on it (issue 21)
        self.displays = Displays(
            default_store_path(default_settings_file()), self.ws.settings.calibration_max_age_days
        )
        self.reading_page.displays = self.displays
        self.reading_page.closed.connect(self._reading_closed)
        self.reading_page.signed.connect(self._report_signed)
        self.reading_page.reportQueued.connect(self._report_queued)
        self.reading_page.refuseRequested.connect(self._refuse_after_reading)
        self.expertise = ExpertiseController(self)  # téléexpertise: list apart, request, answer (issue 20)
        self.worklist_page.layout().addWidget(self.expertise.panel)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.worklist_page)
        self.pages.addWidget(self.lock_screen)
        self.pages.addWidget(self.reading_page)
        self._content_page: QWidget = self.worklist_page
        self.setCentralWidget(self.pages)
        self._build_status_bar()
        self._build_actions()
        self.toast = Toast(self)  # « envoyé » / « en attente d'accusé » after a signature

        self._relay = _Relay(self)
        self._relay.event.connect(self._on_session_event)
        self._outbox_relay = _Relay(self)
        self._outbox_relay.event.connect(self._on_outbox_event)
        self._unsubscribe = self.ws.session.subscribe(self._relay.event.emit)
        self._unsubscribe_outbox = self.ws.outbox.subscribe(self._outbox_relay.event.emit)
        self._link_relay = _Relay(self)
        self._link_relay.event.connect(self._on_link_status)
        self._unsubscribe_link = self.ws.connectivity.subscribe(self._link_relay.event.emit)
        self._protocols = load_protocols()
        self.lock_screen.unlockRequested.connect(self._unlock)
        self.lock_screen.switchUserRequested.connect(self._switch_user)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(int(self.ws.settings.worklist_refresh_seconds * 1000))
        self.refresh_timer.timeout.connect(self.refresh)
        self.audit_timer = QTimer(self)
        self.audit_timer.setInterval(5 * 60 * 1000)
        self.audit_timer.timeout.connect(
            lambda: self.tasks.run(self.ws.ship_audit, lambda _: None, self._background_failed)
        )
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1000)
        self.tick_timer.timeout.connect(self._tick)
        QApplication.instance().installEventFilter(self)

    # --- construction ---------------------------------------------------------------------------

    def _build_worklist_page(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("worklistSearch")
        self.search.setPlaceholderText(self.tr("Rechercher : patient, n° de demande, INS, site…  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        for scope in Scope:
            self.scope.addItem(language.text(scope.label), scope.value)
        self.modality = QComboBox()
        self.modality.addItem(self.tr("Toutes modalités"), "")
        self.urgent_only = QCheckBox(self.tr("Urgences seules"))
        self.refresh_button = QPushButton(self.tr("Actualiser"))
        self.refresh_button.setToolTip(self.tr("Actualiser la liste de travail (F5)"))
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.scope)
        filters.addWidget(self.modality)
        filters.addWidget(self.urgent_only)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.refresh_button)

        self._stall_text = ""  # the outbox's STALLED message while it is shown in the banner
        self.notice = QLabel()
        self.notice.setObjectName("banner")
        self.notice.setProperty("level", "warning")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.degraded_banner = QLabel()
        self.degraded_banner.setObjectName("banner")
        self.degraded_banner.setProperty("level", "warning")
        self.degraded_banner.setWordWrap(True)
        self.degraded_banner.hide()
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.model = WorklistModel()
        self.table = WorklistTable()  # Enter or a double click opens the selected row
        self.table.setObjectName("worklistTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # column widths: computed from their content by the table (the exam label takes what is left)
        # a click on a heading sorts (ascending, descending, then the worklist's own order again)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setMinimumWidth(760)

        self.detail = QTextBrowser()
        self.detail.setObjectName("orderDetail")
        self.detail.setOpenExternalLinks(False)
        self.detail.document().setDefaultStyleSheet(theme.DOCUMENT_CSS)
        self.detail.setHtml(self._placeholder(self.tr("Sélectionnez une demande dans la liste.")))

        self.justify_button = QPushButton(self.tr("Valider ou refuser…"))
        self.justify_button.setObjectName("justifyButton")
        self.justify_button.setToolTip(
            self.tr("Accepter la demande avec un protocole, ou la refuser (Ctrl+J)")
        )
        self.justify_button.setEnabled(False)
        self.justify_button.clicked.connect(self.justify_selected)
        self.open_button = QPushButton(self.tr("Ouvrir l'examen"))
        self.open_button.setObjectName("openButton")
        self.open_button.setToolTip(
            self.tr("Lire les images et rédiger le compte rendu (Ctrl+O, double-clic)")
        )
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.justify_button)
        actions.addWidget(self.open_button)
        detail_pane = QWidget()
        detail_layout = QVBoxLayout(detail_pane)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([1350, 550])  # the worklist's columns need the room more than the order
        self.worklist_splitter = splitter
        splitter.setChildrenCollapsible(False)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(self.degraded_banner)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.worklist_page = page

        self.search.textChanged.connect(self._apply_filters)
        self.scope.currentIndexChanged.connect(self._apply_filters)
        self.modality.currentIndexChanged.connect(self._apply_filters)
        self.urgent_only.toggled.connect(self._apply_filters)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.openRequested.connect(self.open_or_justify_selected)

    def _build_status_bar(self) -> None:
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionLabel")
        self.user_label = QLabel()
        self.updated_label = QLabel()
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outboxLabel")
        bar = self.statusBar()
        bar.addWidget(self.connection_label)
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.outbox_label)
        bar.addPermanentWidget(self.updated_label)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        session = menu.addMenu(self.tr("&Session"))
        self.lock_action = self._action(session, self.tr("&Verrouiller"), "Ctrl+L", self.ws.session.lock)
        self._action(session, self.tr("Se &déconnecter"), "Ctrl+Shift+Q", self._switch_user)
        self._action(session, self.tr("&Paramètres du poste…"), "Ctrl+,", self.edit_settings)
        self._action(
            session,
            self.tr("&Codes de reprise hors ligne…"),
            "",
            lambda: OfflineCodesDialog(self.ws.issue_offline_codes, self).exec(),
        )
        worklist = menu.addMenu(self.tr("&Liste de travail"))
        self._action(worklist, self.tr("&Actualiser"), QKeySequence.StandardKey.Refresh, self.refresh)
        self._action(worklist, self.tr("&Rechercher"), QKeySequence.StandardKey.Find, self._focus_search)
        self._action(worklist, self.tr("Urgences &seules"), "Ctrl+U", self.urgent_only.toggle)
        self._action(worklist, self.tr("&Valider ou refuser la demande"), "Ctrl+J", self.justify_selected)
        self._action(worklist, self.tr("&Ouvrir l'examen"), "Ctrl+O", self.open_selected)
        self.indicators_action = self._action(
            worklist,
            self.tr("&Indicateurs de qualité…"),
            "",
            lambda: show_indicators(self._all_rows, self.ws.journal_path, self),
        )
        reading = menu.addMenu(self.tr("L&ecture"))
        self._action(
            reading, self.tr("&Signer et envoyer"), "Ctrl+Return", self.reading_page.request_signature
        )
        self._action(reading, self.tr("&Retour à la liste"), "Ctrl+W", self.reading_page.request_close)
        self._action(
            reading,
            self.tr("&Visionneuse sur un autre écran"),
            "Ctrl+Shift+D",
            self.reading_page.toggle_detached,
        )
        help_menu = menu.addMenu(self.tr("&Aide"))
        shortcuts = self.tr("&Raccourcis clavier")
        self._action(help_menu, shortcuts, QKeySequence.StandardKey.HelpContents, self.show_shortcuts)
        self._action(help_menu, self.tr("&Diagnostic du poste"), "Ctrl+Shift+I", self.show_diagnostics)

    def _action(self, menu: QWidget, text: str, shortcut: object, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(lambda _checked=False: slot())  # triggered(bool) is not an argument
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # --- session ------------------------------------------------------------------------------

    def start(self) -> None:
        """After a successful login: show who is connected and load the worklist."""
        identity = self.ws.identity
        name = " ".join(x for x in (identity.title, identity.given, identity.family) if x)
        self.user_label.setText(self.tr("{name} — RPPS {rpps}").format(name=name, rpps=identity.rpps))
        self.pages.setCurrentWidget(self.worklist_page)
        self.tick_timer.start()
        self.refresh_timer.start()
        self.ws.start_delivery()
        self.tasks.run(lambda: self.ws.ship_audit(check=True), lambda _: None, self._background_failed)
        self.audit_timer.start()
        self._show_outbox_counts()
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS and self.ws.session.state is SessionState.ACTIVE:
            now = time.monotonic()
            if now - self._last_activity_post >= 1.0:  # one activity mark a second is plenty
                self._last_activity_post = now
                self.ws.session.record_activity()
        return False

    def _tick(self) -> None:
        self.ws.session.tick()

    def _on_session_event(self, event: SessionEvent) -> None:
        if event.kind is SessionEventKind.LOCKED:
            self._hide_patient_data()
            reason = _LOCK_REASONS.get(event.reason.value if event.reason else "")
            reason = self.tr(reason) if reason else self.tr("Session verrouillée.")
            identity = event.identity or self.ws.session.identity
            who = f"{identity.given} {identity.family}" if identity else ""
            self.lock_screen.prepare(who, reason)
            self.pages.setCurrentWidget(self.lock_screen)
        elif event.kind is SessionEventKind.UNLOCKED:
            self.pages.setCurrentWidget(self._content_page)
            self.reading_page.set_privacy(False)
            self.refresh_timer.start()
            self._show_rows()
        elif event.kind in (SessionEventKind.EXPIRED, SessionEventKind.LOGGED_OUT):
            self.reading_page.close_case(emit=False)
            self._content_page = self.worklist_page
            self._hide_patient_data()
            self.lock_screen.prepare("", self.tr("Session terminée : reconnectez-vous."))
            self.pages.setCurrentWidget(self.lock_screen)

    def _hide_patient_data(self) -> None:
        self.reading_page.set_privacy(True)
        for name in ("justification_dialog", "identity_addendum_dialog"):
            dialog = getattr(self, name, None)
            if dialog is not None:  # an open dialog shows the patient: it goes too (nothing was sent)
                dialog.reject()
        self.refresh_timer.stop()
        self.model.set_rows([])
        self.detail.setHtml(self._placeholder(""))

    def _unlock(self, password: str) -> None:
        def done(_: object) -> None:
            self.lock_screen.set_busy(False)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FullLoginRequired):
                self.lock_screen.show_error(language.text(exc.user_message))
                self._switch_user()
                return
            self.lock_screen.show_error(user_message(exc, self.tr("Déverrouillage impossible.")))

        self.tasks.run(lambda: self.ws.session.unlock(password), done, failed)

    def _switch_user(self) -> None:
        """End the session; the application shows the two-factor login again."""
        self._hide_patient_data()
        self.tick_timer.stop()
        self.tasks.run(self.ws.logout, lambda _: None, lambda exc: log.warning("logout: %s", exc))
        self.login_requested = True
        self.close()

    # --- worklist ------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._refreshing or self.ws.session.state is not SessionState.ACTIVE:
            return
        self._refreshing = True
        self.refresh_button.setEnabled(False)
        self.tasks.run(self._fetch_and_read, self._worklist_arrived, self._worklist_failed)
        self.expertise.refresh()

    def _fetch_and_read(self) -> list[ReadOrder]:
        """In the worker: the platform's worklist and its orders read (only the new ones parsed)."""
        return self._reader.read(self.ws.fetch_worklist())

    def _audit_unreadable(self, entry: WorklistEntry, bad: Unreadable) -> None:
        self.ws.audit.order_unreadable(self.ws.identity, entry.order_id, bad.control_id, bad.detail)

    def _worklist_arrived(self, entries: list[ReadOrder]) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        self.set_connection(True)
        self.banner.hide()
        now_status = {e.entry.order_id: e.entry.status for e in entries}
        self._local = {k: v for k, v in self._local.items() if now_status.get(k) == v[1]}
        self._all_rows = build_rows(entries, {k: v[0] for k, v in self._local.items()})
        self.updated_label.setText(self.tr("Liste à jour à {time}").format(time=f"{datetime.now():%H:%M:%S}"))
        if self.ws.session.state is SessionState.ACTIVE:
            self._update_modalities()
            self._show_rows()

    def _worklist_failed(self, exc: BaseException) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        if not isinstance(exc, PlatformError):
            log.error("worklist refresh failed", exc_info=exc)
        message = user_message(exc, self.tr("La liste de travail n'a pas pu être actualisée."))
        self.set_connection(False)
        if not self._all_rows:  # nothing fetched yet this session: the studies kept in the cache
            self.tasks.run(
                lambda: self._reader.read(self.ws.cached_entries()),
                self._cached_arrived,
                self._background_failed,
            )
        if self.ws.connectivity.status.online:
            self.show_banner(
                self.tr("{message} La liste affichée est celle du dernier rafraîchissement réussi.").format(
                    message=message
                )
            )

    def _cached_arrived(self, entries: list[ReadOrder]) -> None:
        if not self._all_rows and entries:
            self._all_rows = build_rows(entries, {k: v[0] for k, v in self._local.items()})
            self.updated_label.setText(self.tr("Liste : examens conservés sur ce poste"))
            if self.ws.session.state is SessionState.ACTIVE:
                self._show_rows()

    def _background_failed(self, exc: BaseException) -> None:
        log.error("background task failed", exc_info=exc)

    def _on_link_status(self, status: LinkStatus) -> None:
        """Degraded mode: a persistent banner saying what works, what waits, and since when."""
        self.set_connection(status.online)
        if status.online:
            self.degraded_banner.hide()
            self.refresh()
            return
        self.degraded_banner.setText(language.text(status.banner(self.ws.outbox.store.counts().pending)))
        self.degraded_banner.show()

    def set_connection(self, online: bool) -> None:
        colour = theme.COLOURS.ok if online else theme.COLOURS.warning
        text = self.tr("Plateforme connectée") if online else self.tr("Plateforme injoignable")
        self.connection_label.setText(f"<span style='color:{colour}'>●</span> {text}")

    def show_notice(self, text: str) -> None:
        """A start-up notice that stays until the user has read it (not replaced by refreshes)."""
        self.notice.setText(language.text(text))
        self.notice.show()

    def show_banner(self, text: str, level: str = "warning") -> None:
        self.banner.setProperty("level", level)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(language.text(text))
        self.banner.show()

    def _update_modalities(self) -> None:
        current = self.modality.currentData()
        codes = sorted({r.modality for r in self._all_rows if r.modality})
        known = [self.modality.itemData(i) for i in range(1, self.modality.count())]
        if codes == known:
            return
        self.modality.blockSignals(True)
        self.modality.clear()
        self.modality.addItem(self.tr("Toutes modalités"), "")
        for code in codes:
            self.modality.addItem(code, code)
        self.modality.setCurrentIndex(max(0, self.modality.findData(current)))
        self.modality.blockSignals(False)

    def _apply_filters(self) -> None:
        if self.ws.session.state is SessionState.ACTIVE:
            self._show_rows()

    def _show_rows(self) -> None:
        rows = filter_rows(
            self._all_rows,
            scope=Scope(self.scope.currentData()),
            text=self.search.text(),
            urgent_only=self.urgent_only.isChecked(),
            modality=self.modality.currentData() or "",
        )
        keep = self._selected_id
        scroll = self.table.verticalScrollBar().value()
        self.model.set_rows(rows, datetime.now(UTC))
        self.table.verticalScrollBar().setValue(scroll)
        urgent = sum(1 for r in rows if r.urgent and not r.done)
        count = self.tr("%n demande(s)", "", len(rows))
        if urgent:
            count = self.tr("{count} dont {urgent}").format(
                count=count, urgent=self.tr("%n urgente(s)", "", urgent)
            )
        self.count_label.setText(count)
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self._select_row(row)
        elif keep:  # the selected order left the filter: say so rather than show another patient
            self._selected_id = ""
            self.detail.setHtml(
                self._placeholder(self.tr("La demande sélectionnée n'est plus dans la liste filtrée."))
            )
        self._show_detail()

    def _select_row(self, row: int) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.select(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        new_id = row.order_id if row else ""
        if new_id and new_id != self._selected_id and row is not None:
            try:
                self.ws.order_viewed(row)
            except Exception:  # the journal must not stop the reading; the failure is logged
                log.exception("audit of order view failed")
        self._selected_id = new_id
        self._show_detail()

    def selected_row(self) -> WorklistRow | None:
        row = self.model.row_of(self._selected_id) if self._selected_id else -1
        return self.model.row_at(row)

    def _show_detail(self) -> None:
        row = self.selected_row()
        self.justify_button.setEnabled(self._can_justify(row))
        self.open_button.setEnabled(self._can_open(row))
        if row is None:
            if not self._selected_id:
                self.detail.setHtml(self._placeholder(self.tr("Sélectionnez une demande dans la liste.")))
            return
        self.detail.setHtml(order_html(row.entry, row.order, row.problem, tr=language.text))

    def _can_justify(self, row: WorklistRow | None) -> bool:
        return (
            row is not None
            and row.order is not None
            and not row.done
            and row.entry.status is OrderStatus.A_VALIDER
            and row.order_id not in self._local
        )

    def _set_local(self, order_id: str, status: LocalStatus | None) -> None:
        """A status only this workstation knows, until the platform's status for the order changes."""
        rows = []
        for r in self._all_rows:
            if r.order_id == order_id:
                if status is None:
                    self._local.pop(order_id, None)
                else:
                    self._local[order_id] = (status, r.entry.status)
                r = WorklistRow(r.entry, r.order, status, r.problem, r.unreadable)
            rows.append(r)
        self._all_rows = rows
        if self.ws.session.state is SessionState.ACTIVE:
            self._show_rows()

    def _can_open(self, row: WorklistRow | None) -> bool:
        if row is not None and row.identity_addendum_due:  # issue 23: opens the addendum to sign
            return True
        return (
            row is not None
            and row.order is not None
            and not row.done
            and bool(row.entry.study_instance_uid or row.entry.study_in_progress)
            and row.local not in (LocalStatus.CR_SIGNE, LocalStatus.REPONSE_EN_ATTENTE)
        )

    def open_selected(self) -> None:
        row = self.selected_row()
        if not self._can_open(row) or row is None:
            return
        if row.identity_addendum_due:
            self.sign_identity_addendum(row)
            return
        self._set_local(row.order_id, LocalStatus.EN_LECTURE)
        self._content_page = self.reading_page
        self.pages.setCurrentWidget(self.reading_page)
        self.reading_page.open(row)
        self.expertise.refresh()  # the case's téléexpertise answers, shown on the reading page

    def open_or_justify_selected(self) -> None:
        """Enter or a double click on a row: read the exam, or validate the order still to validate."""
        row = self.selected_row()
        if self._can_open(row):
            self.open_selected()
        elif self._can_justify(row):
            self.justify_selected()

    def sign_identity_addendum(self, row: WorklistRow) -> None:
        """« Identité qualifiée reçue : addendum à signer » (issue 23): both identities and the
        addendum shown, then signed with the session's signature window, in a worker."""
        found = identity_update.preview(row)
        window = self.reading_page.signature
        if found is None or window is None:
            return
        dialog = IdentityAddendumDialog(found, window.needs_password(), self)
        self.identity_addendum_dialog = dialog  # for tests and for the lock: it shows patient data

        def answered(code: int) -> None:
            self.identity_addendum_dialog = None
            if code != IdentityAddendumDialog.DialogCode.Accepted:
                return
            password = dialog.password() or None

            def work() -> object:
                window.confirm(password)
                return identity_update.sign_identity_addendum(self.ws, row)

            def done(item: object) -> None:
                self._set_local(row.order_id, LocalStatus.CR_SIGNE)
                self._report_queued(row.order_id, getattr(item, "control_id", ""))

            def failed(exc: BaseException) -> None:
                if not getattr(exc, "user_message", ""):
                    log.error("identity addendum not signed", exc_info=exc)
                fallback = self.tr("L'addendum n'a pas été signé.")
                if isinstance(exc, UnlockRejected):
                    fallback = self.tr("Mot de passe incorrect : l'addendum n'est pas signé.")
                self.show_banner(user_message(exc, fallback), "error")

            self.tasks.run(work, done, failed)

        dialog.finished.connect(answered)
        dialog.open()

    def _reading_closed(self, order_id: str) -> None:
        if self._local.get(order_id, (None,))[0] is LocalStatus.EN_LECTURE:
            self._set_local(order_id, None)
        self._content_page = self.worklist_page
        self.pages.setCurrentWidget(self.worklist_page)
        self.table.setFocus()  # Enter opens the selected (next) case
        self.refresh()

    def _report_signed(self, order_id: str) -> None:
        """The next case is selected: the next of the same priority in the list as shown, else the
        next at all (:func:`workstation.worklist.next_case`), ready to open with Enter."""
        row = next((r for r in self._all_rows if r.order_id == order_id), None)
        if row is None:
            return
        following = next_case(self.model.rows(), order_id, row.urgent)
        self._set_local(order_id, LocalStatus.CR_SIGNE)
        if following is not None and self.select_order(following.order_id):  # shown and audited
            self.table.scrollTo(self.model.index(self.model.row_of(following.order_id), 0))

    def _report_queued(self, order_id: str, control_id: str) -> None:
        """The toast after a signature: sent (acknowledged by the platform) or waiting for it."""
        try:
            item = self.ws.outbox.store.get(control_id)
        except Exception:  # the toast must never stop the work; the outbox's own events still show
            log.exception("outbox state of a signed report unreadable")
            item = None
        if item is not None and item.state is ItemState.DELIVERED:
            self.toast.show_message(self.tr("Compte rendu envoyé"), "ok", control_id)
        else:
            self.toast.show_message(
                self.tr("Compte rendu signé — en attente d'accusé de réception"), "info", control_id
            )

    def _refuse_after_reading(self, order_id: str) -> None:
        row = next((r for r in self._all_rows if r.order_id == order_id), None)
        if row is None or row.order is None:
            return
        dialog = JustificationDialog(
            row.order, self._protocols, datetime.now().date(), self, refuse_only=True
        )
        self.justification_dialog = dialog
        dialog.finished.connect(lambda code: self._justified(row, dialog, code))
        dialog.open()

    def justify_selected(self) -> None:
        row = self.selected_row()
        if not self._can_justify(row) or row is None or row.order is None:
            return
        dialog = JustificationDialog(row.order, self._protocols, datetime.now().date(), self)
        self.justification_dialog = dialog  # for tests and for the lock: it shows patient data
        dialog.finished.connect(lambda code: self._justified(row, dialog, code))
        dialog.open()

    def _justified(self, row: WorklistRow, dialog: JustificationDialog, code: int) -> None:
        self.justification_dialog = None
        if code != JustificationDialog.DialogCode.Accepted:
            return
        decision = dialog.decision()

        def queued(_: object) -> None:
            self._set_local(row.order_id, LocalStatus.REPONSE_EN_ATTENTE)
            if self.reading_page.row is not None and self.reading_page.row.order_id == row.order_id:
                self.reading_page.close_case()

        def failed(exc: BaseException) -> None:
            log.error("answer not queued", exc_info=exc)
            self.show_banner(user_message(exc, self.tr("La réponse n'a pas pu être enregistrée.")), "error")

        self.tasks.run(lambda: self.ws.answer_order(row, decision), queued, failed)

    def _on_outbox_event(self, event: OutboxEvent) -> None:
        if event.kind is EventKind.STALLED:  # disk full, damaged row: delivery waits, never silently
            self._stall_text = event.user_message
            self.show_banner(event.user_message, "error")
        elif self._stall_text and self.ws.outbox.problem is None and self.banner.text() == language.text(
            self._stall_text
        ):
            self._stall_text = ""
            self.banner.hide()  # the outbox works again
        if event.kind is EventKind.COUNTS:
            self._show_outbox_counts(event.counts)
        elif event.kind is EventKind.DELIVERED:
            if event.item is not None:
                self.toast.update_message(event.item.control_id, self.tr("Compte rendu envoyé"), "ok")
            self.refresh()
        elif event.kind is EventKind.REJECTED:
            self.show_banner(event.user_message or self.tr("La plateforme a refusé un message."), "error")
            if event.item is not None:
                self._local.pop(event.item.order_id, None)
            self.refresh()

    def _show_outbox_counts(self, counts: Counts | None = None) -> None:
        counts = counts or self.ws.outbox.store.counts()
        status = self.ws.connectivity.status
        if not status.online:
            self.degraded_banner.setText(language.text(status.banner(counts.pending)))
        pending, rejected = counts.pending, counts.rejected
        parts = []
        if pending:
            parts.append(self.tr("%n message(s) en attente d'envoi", "", pending))
        if rejected:
            refused = self.tr("%n refusé(s)", "", rejected)
            parts.append(f"<span style='color:{theme.COLOURS.urgent}'>{refused}</span>")
        self.outbox_label.setText(" — ".join(parts) if parts else self.tr("Aucun envoi en attente"))

    def select_order(self, order_id: str) -> bool:
        row = self.model.row_of(order_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    @staticmethod
    def _placeholder(text: str) -> str:
        return f"<p class='placeholder'>{text}</p>" if text else ""

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_diagnostics(self) -> None:
        dialog = DiagnosticsDialog(
            runner=partial(
                selftest.run_checks,
                self.ws.settings,
                demo=self.ws.demo,
                include_qt=False,
                data_dir=self.ws.data_dir,
                outbox_problem=lambda: self.ws.outbox.problem.user_message if self.ws.outbox.problem else "",
            ),
            parent=self,
            displays=self.displays,
        )
        dialog.open()

    def edit_settings(self) -> None:
        if ask_settings(self.ws.settings, None, first_run=False, parent=self) is not None:
            self.show_notice(
                self.tr("Paramètres enregistrés : ils s'appliqueront au prochain démarrage du poste.")
            )

    def show_shortcuts(self) -> QWidget:
        """F1: the window's shortcuts, then every key and mouse binding of the viewer (its own table)."""
        from viewer.qt import bindings as viewer_bindings

        rows = [
            viewer_bindings.HelpRow(
                self.tr("Application"),
                a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                a.text().replace("&", ""),
            )
            for a in self.findChildren(QAction)
            if not a.shortcut().isEmpty() and not viewer_bindings.in_viewer(a)
        ]
        rows += self.reading_page.viewer.help_rows()
        return viewer_bindings.help_dialog(self, self.tr("Raccourcis clavier"), rows)

    def _settings_key(self) -> str:
        """Layouts are remembered per screen arrangement: a laptop alone and the reading room's two
        diagnostic screens do not want the same window."""
        screens = QGuiApplication.screens()
        return "layout/" + "+".join(f"{s.size().width()}x{s.size().height()}" for s in screens)

    def open_on_screen(self) -> None:
        """Show the window: maximised on the screen chosen last time (or the largest one), unless the
        user left it unmaximised on this arrangement of screens, then where it was."""
        store = QSettings()
        screen = preferred_screen(str(store.value("window/screen", "") or ""))
        restored = self.restore_layout()
        maximised = store.value(f"{self._settings_key()}/maximised", True, type=bool)
        if restored and not maximised:
            self.show()
        else:
            place_on_screen(self, screen)

    def restore_layout(self) -> bool:
        store = QSettings()
        key = self._settings_key()
        geometry = store.value(f"{key}/geometry")
        if geometry is None:
            return False
        self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            state = store.value(f"{key}/{name}")
            if state is not None:
                splitter.restoreState(state)
        return True

    def save_layout(self) -> None:
        store = QSettings()
        key = self._settings_key()
        store.setValue(f"{key}/geometry", self.saveGeometry())
        store.setValue(f"{key}/maximised", self.isMaximized() or self.isFullScreen())
        if self.screen() is not None:
            store.setValue("window/screen", self.screen().name())
        for name, splitter in self._splitters().items():
            store.setValue(f"{key}/{name}", splitter.saveState())

    def _splitters(self) -> dict[str, QSplitter]:
        return {"worklist": self.worklist_splitter, "reading": self.reading_page.splitter}

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.reading_page.detached:
            self.reading_page.toggle_detached()
        QApplication.instance().removeEventFilter(self)
        self.refresh_timer.stop()
        self.tick_timer.stop()
        self._unsubscribe()
        self._unsubscribe_outbox()
        self._unsubscribe_link()
        self.audit_timer.stop()
        self.reading_page.close_case(emit=False)
        self.tasks.shutdown()
        if self._own_loader:
            self.loader.close()
        super().closeEvent(event)


__all__ = ["MainWindow"]
