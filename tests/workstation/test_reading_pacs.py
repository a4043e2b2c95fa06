"""The exam to read retrieved from the site's PACS over DIMSE (issue 19, item 3), against dcmtk's
``dcmqrscp`` (started on loopback with fresh storage, loaded by dcmtk's ``storescu``: see
tests/workstation/test_dimse.py): when the platform does not hold the exam's images, and first when
the PACS is flagged as serving the site's exams of the day (« examens du jour »). Either way the images
go through the encrypted cache, are opened from there, equal the files the PACS was loaded with, and
the access is audited with the PACS as its source."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pydicom
import pytest

from auth.keystore import KeyStore, VolatileKeyring
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform
from tests.workstation.test_dimse import (  # noqa: F401 - fixtures used by name
    WORKSTATION_AE,
    Pacs,
    dcmqrscp,
    demo_files,
)
from workstation.app import Workstation
from workstation.audit import Outcome, read_entries
from workstation.pacs.nodes import PacsConfigError, PacsNode
from workstation.reading import open_case
from workstation.settings import Settings
from workstation.worklist import WorklistRow, build_rows

MISSING = cases.MR_BRAIN_CASE  # on the PACS, not on this platform
BOTH = cases.DX_CHEST_CASE  # on the PACS and on the platform
PLATFORM_ONLY = cases.CT_HEAD_CASE  # not on the PACS


@pytest.fixture(scope="module")
def platform_without_the_mr(
    demo_data: Path, tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    data = tmp_path_factory.mktemp("reading-pacs") / "platform"
    data.mkdir()
    for name in ("seed", "orders"):
        subprocess.run(["cp", "-r", str(demo_data / name), str(data / name)], check=True)
    (data / "dicom").mkdir()
    for entry in (demo_data / "dicom").iterdir():
        if entry.name != MISSING.slug:  # its order and flux 4 are on the platform, its images are not
            (data / "dicom" / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    return platform_factory(data)


def _workstation(platform: RunningPlatform, pacs: Pacs, tmp_path: Path, current: bool) -> Workstation:
    node = pacs.node("C-GET", name="PACS du CH", current_exams=current)
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache",
        dimse_ae_title=WORKSTATION_AE,
    ).with_overrides(pacs=[node])
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    account = platform.account
    ws.login(account["login"], account["password"], platform.fresh_otp())
    return ws


@pytest.fixture(params=[False, True], ids=["not-flagged", "examens-du-jour"])
def ws(request: pytest.FixtureRequest, platform_without_the_mr: RunningPlatform, dcmqrscp: Pacs,  # noqa: F811
       tmp_path: Path) -> Iterator[Workstation]:
    workstation = _workstation(platform_without_the_mr, dcmqrscp, tmp_path, request.param)
    yield workstation
    workstation.close()


def _row(ws: Workstation, case: cases.Case) -> WorklistRow:
    return next(r for r in build_rows(ws.fetch_worklist()) if r.order_id == case.placer_order_number)


def _pixels_equal_to_the_files_sent(paths: list[Path], sent: list[Path]) -> None:
    by_uid = {pydicom.dcmread(p).SOPInstanceUID: p for p in sent}
    assert len(paths) == len(sent)
    for path in paths:
        mine = pydicom.dcmread(path)
        assert np.array_equal(mine.pixel_array, pydicom.dcmread(by_uid[mine.SOPInstanceUID]).pixel_array)


def _pacs_accesses(ws: Workstation, study: str, outcome: Outcome = Outcome.SUCCESS) -> int:
    records = [e.record.to_json() for e in read_entries(ws.journal_path)]
    return sum(
        1 for r in records if r["kind"] == "study_accessed" and r["outcome"] == outcome.value
        and any(o.get("id") == study for o in r["objects"])
        and any(["origin", "pacs"] in o.get("details", []) for o in r["objects"])
    )


def test_an_exam_the_platform_does_not_hold_comes_from_the_pacs_through_the_cache(
    ws: Workstation, dcmqrscp: Pacs,  # noqa: F811
) -> None:
    row = _row(ws, MISSING)
    study = MISSING.study_instance_uid
    assert row.entry.study_instance_uid == study
    assert not ws.client.dicomweb.search_studies(StudyInstanceUID=study)  # not on the platform
    case = open_case(ws, row)
    try:
        assert case.stream is None and case.from_cache
        _pixels_equal_to_the_files_sent(case.files, dcmqrscp.files[study])
        # the identity check read the retrieved headers: the demo MR's birth date, swapped at the
        # console, is caught
        assert case.identity is not None and case.identity_blocked
        assert ws.cache.get(study).complete
        assert _pacs_accesses(ws, study) == 1
    finally:
        case.close()
    assert not case.folder.exists()


def test_a_pacs_serving_the_exams_of_the_day_is_asked_first_else_the_platform(
    platform_without_the_mr: RunningPlatform, dcmqrscp: Pacs, tmp_path: Path,  # noqa: F811
) -> None:
    ws = _workstation(platform_without_the_mr, dcmqrscp, tmp_path, current=True)
    try:
        study = BOTH.study_instance_uid
        assert ws.client.dicomweb.search_studies(StudyInstanceUID=study)  # the platform holds it too
        case = open_case(ws, _row(ws, BOTH))
        try:
            assert case.stream is None  # not streamed from the platform: retrieved from the PACS
            _pixels_equal_to_the_files_sent(case.files, dcmqrscp.files[study])
            assert _pacs_accesses(ws, study) == 1
        finally:
            case.close()
        # an exam the PACS does not hold: the platform, streamed as usual
        other = open_case(ws, _row(ws, PLATFORM_ONLY))
        try:
            assert other.stream is not None and other.stream.wait(120) and other.stream.complete
            assert _pacs_accesses(ws, PLATFORM_ONLY.study_instance_uid) == 0
            # the PACS was asked first, and its failure is in the journal
            assert _pacs_accesses(ws, PLATFORM_ONLY.study_instance_uid, Outcome.SERIOUS_FAILURE) == 1
        finally:
            other.close()
    finally:
        ws.close()


def test_the_flag_is_read_and_written_with_the_settings() -> None:
    node = PacsNode.from_json({"name": "PACS", "ae_title": "PACS", "host": "pacs.example",
                               "current_exams": True})
    assert node.current_exams and node.to_json()["current_exams"] is True
    assert PacsNode.from_json(node.to_json()) == node
    assert not PacsNode.from_json({"name": "PACS", "ae_title": "PACS", "host": "pacs.example"}).current_exams
    with pytest.raises(PacsConfigError) as refused:
        PacsNode.from_json({"name": "PACS", "ae_title": "PACS", "host": "pacs.example",
                            "current_exams": "oui"})
    assert "examens du jour" in refused.value.user_message
