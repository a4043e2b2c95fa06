"""A study streamed over a site's slow link, through the real main window (issue 24): the reading page
paints the first image (the stack's middle slice, where it opens, not the smaller topogram asked
for at the same time) while the status still counts the images arriving (« Récupération des images :
n/N », n < N), then the whole stack once the last one came. The platform is reached through its relay
throttled to 30 Mbit/s and 20 ms each way. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from teleplatform.demo import cases
from teleplatform.relay import FaultProxy
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.workstation.test_main_window import _signed_in, clock  # noqa: F401 - fixture used by name
from tests.workstation.test_main_window import loader as loader
from workstation.app import Workstation
from workstation.settings import Settings

ARRIVING = re.compile(r"Récupération des images : (\d+)/(\d+)")


def _gray(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * image.height())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width()]


def test_first_image_painted_while_the_rest_arrives_then_the_whole_stack(
    qtbot,
    demo_data: Path,
    tmp_path: Path,
    clock,  # noqa: F811
    platform_factory: Callable[[Path], RunningPlatform],
    loader,
    artifacts_dir: Path,
) -> None:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]), bandwidth_bps=30e6, latency_s=0.02)
    settings = Settings(platform_url=relay.url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=clock)
    try:
        _, _, window = _signed_in(qtbot, (ws, platform), artifacts_dir, loader)
        order_id = cases.CT_TAP_CASE.placer_order_number
        window.table.selectRow(window.model.row_of(order_id))
        qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
        page = window.reading_page
        viewer = page.viewer
        viewport = viewer.viewports[0]
        seen: dict[str, object] = {}

        def first_image_shown() -> bool:
            if page.case is None or page.case.stream is None or viewport.view is None:
                return False
            seen["status"] = page.status.text()
            seen["done"] = page.case.stream.done_count
            seen["picture"] = _gray(viewport.grab().toImage())
            seen["shown"] = viewport.series.instance_uid(viewport.view.state.index) if viewport.series else ""
            return True

        qtbot.waitUntil(first_image_shown, timeout=60000)
        stream = page.case.stream
        assert stream is not None
        arriving = ARRIVING.search(str(seen["status"]))
        assert arriving, seen["status"]
        done, total = int(arriving[1]), int(arriving[2])
        assert total == stream.total > 100 and done < total and int(seen["done"]) < total  # type: ignore[arg-type]
        assert page.progress.isVisible()
        picture = seen["picture"]
        assert isinstance(picture, np.ndarray) and picture.std() > 10  # an image, not an empty pane
        assert not viewer.series() or all(s.shape[0] == 1 for s in viewer.series())  # the stack not yet
        # the slice the stack opens on (its middle), not the topogram that may have overtaken it
        displayed = next(w for w in stream.wanted if w.image)
        assert seen["shown"] == displayed.sop_uid
        QApplication.processEvents()
        window.grab().save(str(artifacts_dir / "workstation-streaming-first-image.png"))

        qtbot.waitUntil(lambda: stream.complete and any(s.shape[0] > 100 for s in viewer.series()),
                        timeout=180000)
        qtbot.waitUntil(lambda: "reçue" in page.status.text(), timeout=10000)
        assert f"{total} image" in page.status.text() and not page.progress.isVisible()
        stack = max(viewer.series(), key=lambda s: s.shape[0])
        qtbot.waitUntil(lambda: stack.complete, timeout=60000)
        assert stack.loaded_count == stack.shape[0] > 100
        qtbot.waitUntil(lambda: viewport.series is stack, timeout=10000)
        viewport.view.set_index(0)  # the whole stack: its first slice, far from where the preview was
        viewport.view.set_index(stack.shape[0] - 1)
        QApplication.processEvents()
        assert _gray(viewport.grab().toImage()).std() > 10
        window.grab().save(str(artifacts_dir / "workstation-streaming-complete.png"))
    finally:
        ws.close()
        relay.down()
        platform.stop()
