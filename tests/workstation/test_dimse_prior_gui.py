"""A prior found ONLY on a site's PACS over DIMSE, opened linked with tonight's study (issue 19), and
the key images already stored with the study shown again when the case is opened.

The platform here holds tonight's head CT but not its prior: the prior CT is in dcmtk's ``dcmqrscp``
(started by the test, loaded by dcmtk's ``storescu``), configured in the workstation's settings as the
site's PACS (C-GET). Opening the case finds the prior by C-FIND, the hanging protocol « TDM crâne avec
antérieur » retrieves it by C-GET through the encrypted cache and shows it beside; the two frames of
reference differ, so a landmark is aligned and the studies linked (Shift+L); five images down today's
exam moves the prior to the same patient position (within half a slice thickness). A KOS stored on the
platform before the opening marks its image as a key image. Screenshot in test-artifacts/.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from reporting.key_objects import KeyReference, build_key_object
from reporting.model import Professional, Source
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform
from tests.workstation.test_dimse import (  # noqa: F401 - fixtures used by name
    STORESCU,
    WORKSTATION_AE,
    Pacs,
    dcmqrscp,
    demo_files,
)
from tests.workstation.test_main_window import _open, _signed_in, clock  # noqa: F401 - fixtures by name
from tests.workstation.test_main_window import loader as loader
from workstation.app import Workstation
from workstation.audit import read_entries
from workstation.settings import Settings

CASE = cases.CT_HEAD_CASE
PRIOR = cases.PRIOR_CT_HEAD
AUTHOR = Professional("812345678901", "DURAND", "Claire", Source.ACCOUNT)


def _z(viewport) -> float:  # type: ignore[no-untyped-def]
    series = viewport.series
    return float(np.dot(series.geometry.positions[viewport.view.state.index], series.geometry.normal))


def _index_at(viewport, z: float) -> int:  # type: ignore[no-untyped-def]
    series = viewport.series
    places = np.asarray(series.geometry.positions) @ np.asarray(series.geometry.normal)
    return int(np.argmin(np.abs(places - z)))


@pytest.fixture
def pacs_with_the_prior(dcmqrscp: Pacs, demo_data: Path) -> Pacs:  # noqa: F811 - the fixture
    files = sorted((demo_data / "dicom" / PRIOR.slug).rglob("*.dcm"))
    assert len(files) == PRIOR.instances
    loaded = subprocess.run(
        [STORESCU, "-aet", "CHARGEMENT", "-aec", dcmqrscp.ae_title, "-xe", "127.0.0.1", str(dcmqrscp.port)]
        + [str(p) for p in files],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    return dcmqrscp


@pytest.fixture
def without_prior_on_platform(
    demo_data: Path, tmp_path: Path, clock, platform_factory: Callable[[Path], RunningPlatform],  # noqa: F811
    pacs_with_the_prior: Pacs,
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    """The demo platform minus the head CT's prior, and a workstation whose settings name the PACS."""
    data = tmp_path / "platform"
    data.mkdir()
    for name in ("seed", "orders"):
        subprocess.run(["cp", "-r", str(demo_data / name), str(data / name)], check=True)
    (data / "dicom").mkdir()
    for entry in (demo_data / "dicom").iterdir():
        if entry.name != PRIOR.slug:  # the prior is on the site's PACS only
            (data / "dicom" / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    platform = platform_factory(data)
    node = pacs_with_the_prior.node("C-GET", name="PACS du CH")
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache",
        dimse_ae_title=WORKSTATION_AE,
    ).with_overrides(pacs=[node])
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=clock)
    yield ws, platform
    ws.close()
    platform.stop()


def test_a_prior_only_on_the_pacs_opens_linked_and_stored_key_images_come_back(
    qtbot, without_prior_on_platform, loader, artifacts_dir: Path, demo_data: Path
) -> None:
    ws, _platform, window = _signed_in(qtbot, without_prior_on_platform, artifacts_dir, loader)
    study = CASE.study_instance_uid
    # the platform does not hold the prior: QIDO lists no other study of the patient
    assert [s["0020000D"]["Value"][0] for s in ws.client.dicomweb.search_studies(
        PatientID=CASE.patient.ins)] == [study]

    # a key image stored with tonight's study before it is opened (a KOS on the platform)
    headers = [pydicom.dcmread(p, stop_before_pixels=True)
               for p in sorted((demo_data / "dicom" / CASE.slug).rglob("*.dcm"))]
    marked = next(h for h in headers if int(h.InstanceNumber) == 30)
    kos = build_key_object([KeyReference(study, str(marked.SeriesInstanceUID), str(marked.SOPInstanceUID),
                                         str(marked.SOPClassUID), None)], headers, AUTHOR)
    ws.client.dicomweb.store_instances([kos.dataset], study)

    _open(qtbot, window, CASE.placer_order_number)
    page = window.reading_page
    comparison = page.comparison
    qtbot.waitUntil(lambda: page.priors.count() > 0, timeout=30000)
    assert page.priors.count() == 1 and "(PACS PACS du CH)" in page.priors.itemText(0)
    assert page._found_priors[0].source == "PACS du CH"
    # the protocol that wants the prior retrieves it from the PACS and shows it beside, linked
    qtbot.waitUntil(lambda: comparison.protocol is not None
                    and comparison.protocol.name == "TDM crâne avec antérieur", timeout=30000)
    qtbot.waitUntil(lambda: comparison.link is not None and bool(comparison.link.prior.series()),
                    timeout=90000)
    link = comparison.link
    prior_viewer = page.prior_viewer
    assert prior_viewer is link.prior
    qtbot.waitUntil(lambda: link.pending() or link.enabled, timeout=60000)
    mine = page.viewer.visible_viewports()[0]
    theirs = prior_viewer.visible_viewports()[0]
    qtbot.waitUntil(lambda: mine.series is not None and mine.series.shape[0] > 100
                    and theirs.view is not None, timeout=90000)
    assert theirs.series.study_instance_uid == PRIOR.study_instance_uid
    assert theirs.series.shape[0] == PRIOR.instances
    # retrieved through the encrypted cache and audited with the PACS as its source
    assert ws.cache.get(PRIOR.study_instance_uid) is not None
    accessed = [e.record.to_json() for e in read_entries(ws.journal_path)
                if e.record.to_json()["kind"] == "study_accessed"]
    assert any(["origin", "pacs"] in o.get("details", []) for r in accessed for o in r["objects"])

    # the key image of the stored KOS is marked again
    qtbot.waitUntil(lambda: len(comparison.key_images) == 1, timeout=30000)
    assert [k.sop_instance_uid for k in comparison.key_images] == [str(marked.SOPInstanceUID)]
    assert "Image clé (1)" in comparison.keys_button.text()

    # different frames of reference: a landmark, then linked; five images down moves the prior
    assert link.pending() and not link.enabled
    theirs.view.set_index(_index_at(theirs, 42.0))
    mine.view.set_index(_index_at(mine, 42.0))
    window.activateWindow()
    mine.setFocus()
    qtbot.waitUntil(mine.hasFocus, timeout=5000)
    qtbot.keyClick(mine, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert link.enabled and comparison.link_button.isChecked()
    for _ in range(5):
        qtbot.keyClick(mine, Qt.Key.Key_Down)
    assert mine.view.state.index == _index_at(mine, 42.0) + 5
    thickness = theirs.series.slice_thickness(theirs.view.state.index)
    assert abs(_z(theirs) - _z(mine) - link.offset_mm()) <= thickness / 2
    # the image of the stored KOS, shown: its star is on the viewport; the KOS itself is no series
    comparison.go_to(next(iter(comparison.key_images)))
    assert mine.series.instance_uid(mine.view.state.index) == str(marked.SOPInstanceUID)
    assert all(s.shape[0] > 0 for s in page.viewer.series())
    assert "document sans image (Key Object Selection Document Storage)" in page.viewer.messages.text()
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-dimse-prior-linked.png"))
