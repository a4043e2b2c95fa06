"""The demo data directory, checked file by file against the constants of teleplatform.demo.cases.

The directory is generated once per session (the `demo_data` fixture of tests/platform_fixtures.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pydicom
import pyotp
import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message
from hl7apy.parser import parse_message
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLSLossless

from teleplatform.demo import cases, is_complete
from teleplatform.demo.cases import (
    ALL_CASES,
    CT_HEAD_CASE,
    CT_TAP_CASE,
    DX_CHEST_CASE,
    IMAGED_CASES,
    MESSAGES,
    MISMATCH_CASE,
    MR_BRAIN_CASE,
    PRIOR_CT_HEAD,
    PRIOR_DX_CHEST,
    PRIORS,
    Case,
    Flow,
    Study,
)
from teleplatform.demo.chest_xray import chest_radiograph
from teleplatform.demo.datadir import order_file_names
from teleplatform.demo.orders import render
from teleplatform.demo.rdsr import write_dose_report
from teleplatform.demo.series import HEAD_GEOMETRY, PRIOR_HEAD_GEOMETRY
from tests.demo_answers import luhn_valid, priors_of

UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")


def _headers(folder: Path) -> list[Dataset]:
    datasets = [pydicom.dcmread(path, stop_before_pixels=True) for path in sorted(folder.glob("*.dcm"))]
    return sorted(datasets, key=lambda d: int(d.InstanceNumber))


def _series(demo_data: Path, case: Study, number: int) -> Path:
    return demo_data / "dicom" / case.slug / f"S{number:03d}"


def _parse(raw: bytes) -> Message:
    return parse_message(raw.decode("utf-8"), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=True)


def _segments(element, name: str) -> list:
    found = []
    for child in element.children:
        if child.classname == "Segment":
            if child.name == name:
                found.append(child)
        else:
            found.extend(_segments(child, name))
    return found


def _value(element) -> str:
    return element.to_er7() if element is not None else ""


# --- the directory -------------------------------------------------------------------------------


def test_generation_is_complete_and_not_redone(demo_data: Path) -> None:
    from teleplatform.demo import generate

    assert is_complete(demo_data)
    marker = json.loads((demo_data / ".teleplatform-demo.json").read_text(encoding="utf-8"))
    assert marker["generator_version"] == cases.GENERATOR_VERSION
    before = {name: (demo_data / name).stat().st_mtime_ns for name in marker["files"]}
    assert generate(demo_data) is False
    assert {name: (demo_data / name).stat().st_mtime_ns for name in marker["files"]} == before


def test_layout(demo_data: Path) -> None:
    names = sorted(p.name for p in (demo_data / "orders").iterdir())
    assert [f"orders/{n}" for n in names] == order_file_names()
    assert names[0] == "0001_irm-cerebrale_ORM_O01.hl7"
    studies = (*IMAGED_CASES, *cases.CHARTER_CASES, *PRIORS)
    assert sorted(p.name for p in (demo_data / "dicom").iterdir()) == sorted(c.slug for c in studies)
    counts = {case.slug: sum(1 for _ in (demo_data / "dicom" / case.slug).rglob("*.dcm")) for case in studies}
    assert counts == {
        "ct-tete": cases.CT_HEAD_SLICES,
        "tdm-tap": cases.CT_TAP_SLICES + 2,  # + localizer + dose report
        "rx-thorax": 1,
        "irm-cerebrale": cases.MR_SLICES,
        "ct-tete-anterieur": cases.PRIOR_CT_HEAD_SLICES,
        "tdm-tap-anterieur": 1,
        "rx-thorax-inconnu": 1,  # issue 23: the unknown emergency patient's radiograph
        "rx-thorax-en-cours": 1,  # issue 23: on the platform before its flux 4
    }
    assert [p.instances for p in PRIORS] == [cases.PRIOR_CT_HEAD_SLICES, 1]
    assert not list(demo_data.rglob("*.part"))


def test_seed_account(demo_data: Path) -> None:
    accounts = json.loads((demo_data / "seed" / "accounts.json").read_text(encoding="utf-8"))
    assert [(a["login"], a["role"]) for a in accounts] == [
        ("dr.moreau", "radiologist"),
        ("ris.chvc", "site"),
        ("ris.chhb", "site"),
        ("admin.plateforme", "admin"),
        ("dr.lambert", "radiologist"),  # the téléexpertise expert: no site, expert groups only
    ]
    assert "groups" not in accounts[-1] and "sites" not in accounts[-1]
    assert accounts[-1]["expertise"] == ["neuro", "ostéo-articulaire", "pédiatrie"]
    groups = json.loads((demo_data / "seed" / "groups.json").read_text(encoding="utf-8"))
    # The demo radiologist reads for both demo sites; each RIS sends as its own MSH-3/MSH-4 only.
    assert accounts[0]["groups"] == ["nuit-cher"]
    assert groups == {"nuit-cher": [f"{s.application}^{s.facility}" for s in cases.SITES]}
    assert [a["senders"] for a in accounts[1:3]] == [[f"{s.application}^{s.facility}"] for s in cases.SITES]
    account = accounts[0]
    assert {"login", "password", "totp_secret", "rpps", "family", "given", "title"} <= set(account)
    assert account["login"] == "dr.moreau" and account["title"] == "Dr"
    assert "démonstration" in account["comment"]
    assert len(pyotp.TOTP(account["totp_secret"]).now()) == 6
    assert luhn_valid(account["rpps"]) and len(account["rpps"]) == 11


def test_identifiers_are_well_formed() -> None:
    for case in ALL_CASES:
        ins = case.patient.ins
        assert len(ins) == 15 and int(ins[13:]) == 97 - int(ins[:13]) % 97
        assert ins[1:5] == case.patient.birth_date.strftime("%y%m")
        assert ins[5:10] == case.patient.birth_cog
        for doctor in (case.requester, case.responsible):
            assert luhn_valid(doctor.rpps) and doctor.rpps.startswith("899")
            assert re.fullmatch(r"\+3326191\d{4}", doctor.phone), doctor  # ARCEP's fiction range
        assert case.requester != case.responsible
        assert re.fullmatch(r"\+3326191\d{4}", case.site.phone)
        assert luhn_valid(case.site.finess)
        for identifier in (case.study_instance_uid, case.site.order_oid, case.site.accession_oid):
            assert len(identifier) <= 64 and UID.match(identifier)
        assert len(case.accession_number) <= 16
    assert len({c.study_instance_uid for c in ALL_CASES}) == len(ALL_CASES)
    for prior in PRIORS:
        assert luhn_valid(prior.requester.rpps) and prior.requester.rpps.startswith("899")
        assert len(prior.accession_number) <= 16 and prior.accession_number.startswith(prior.site.facility)
        assert len(prior.study_instance_uid) <= 64 and UID.match(prior.study_instance_uid)
    studies = (*ALL_CASES, *PRIORS)
    assert len({s.study_instance_uid for s in studies}) == len(studies)
    assert len({s.accession_number for s in studies}) == len(studies)


# --- DICOM ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "number", "count", "spacing", "pixel"),
    [
        (CT_HEAD_CASE, 2, cases.CT_HEAD_SLICES, cases.CT_HEAD_SPACING_MM, cases.CT_HEAD_PIXEL_MM),
        (CT_TAP_CASE, 2, cases.CT_TAP_SLICES, cases.CT_TAP_SPACING_MM, cases.CT_TAP_PIXEL_MM),
        (MR_BRAIN_CASE, 3, cases.MR_SLICES, cases.MR_SPACING_MM, cases.MR_PIXEL_MM),
        (
            PRIOR_CT_HEAD,
            2,
            cases.PRIOR_CT_HEAD_SLICES,
            cases.PRIOR_CT_HEAD_SPACING_MM,
            cases.CT_HEAD_PIXEL_MM,
        ),
    ],
    ids=["ct-tete", "tdm-tap", "irm-cerebrale", "ct-tete-anterieur"],
)
def test_axial_geometry(
    demo_data: Path, case: Study, number: int, count: int, spacing: Decimal, pixel: Decimal
) -> None:
    headers = _headers(_series(demo_data, case, number))
    assert [int(d.InstanceNumber) for d in headers] == list(range(1, count + 1))
    assert len({d.SeriesInstanceUID for d in headers}) == 1
    assert len({d.FrameOfReferenceUID for d in headers}) == 1
    orientation = np.array([float(v) for v in headers[0].ImageOrientationPatient])
    assert all(np.allclose([float(v) for v in d.ImageOrientationPatient], orientation) for d in headers)
    normal = np.cross(orientation[:3], orientation[3:])
    along = np.array([np.dot(normal, [float(v) for v in d.ImagePositionPatient]) for d in headers])
    steps = np.abs(np.diff(along))
    assert np.allclose(steps, float(spacing), atol=1e-3)
    assert np.all(np.diff(along) > 0) or np.all(np.diff(along) < 0)
    first = headers[0]
    assert Decimal(str(first.SpacingBetweenSlices)) == spacing
    assert [Decimal(str(v)) for v in first.PixelSpacing] == [pixel, pixel]
    assert (first.Rows, first.Columns) == (512, 512)
    slice_locations = [float(d.SliceLocation) for d in headers]
    assert np.allclose(np.abs(np.diff(slice_locations)), float(spacing))


def _hu_at(dataset: Dataset, x: float, y: float, half: int = 2) -> float:
    """Median HU of a small square around patient (x, y) on an axial slice."""
    x0, y0, _ = (float(v) for v in dataset.ImagePositionPatient)
    row_step, col_step = (float(v) for v in dataset.PixelSpacing)
    col, row = round((x - x0) / col_step), round((y - y0) / row_step)
    hu = dataset.pixel_array.astype(np.float32) * float(dataset.RescaleSlope) + float(
        dataset.RescaleIntercept
    )
    return float(np.median(hu[row - half : row + half + 1, col - half : col + half + 1]))


def _head_slice(demo_data: Path, z: float) -> Dataset:
    index = HEAD_GEOMETRY.z.index(z)
    dataset = pydicom.dcmread(_series(demo_data, CT_HEAD_CASE, 2) / f"IM{index + 1:04d}.dcm")
    assert float(dataset.ImagePositionPatient[2]) == pytest.approx(z)
    return dataset


def test_head_phantom_hounsfield_units(demo_data: Path) -> None:
    level = _head_slice(demo_data, 50.0)  # bodies of the lateral ventricles
    assert _hu_at(level, -105.0, -100.0) == pytest.approx(-1000, abs=15)  # air in front of the head
    assert -5 <= _hu_at(level, 17.2, 4.0) <= 18  # CSF, left lateral ventricle
    assert 55 <= _hu_at(level, -61.2, 4.0) <= 85  # acute subdural haematoma, right convexity
    upper = _head_slice(demo_data, 62.0)
    white = _hu_at(upper, 26.0, 10.0)  # centrum semiovale
    assert 22 <= white <= 34
    deep = _head_slice(demo_data, 34.0)
    grey = _hu_at(deep, 14.5, 14.0)  # left thalamus
    assert 32 <= grey <= 44 and grey > white + 4
    # the skull along the posterior midline: cortical bone peaks between 1000 and 1600 HU
    x0, y0, _ = (float(v) for v in upper.ImagePositionPatient)
    step = float(upper.PixelSpacing[0])
    hu = upper.pixel_array.astype(np.float32) + float(upper.RescaleIntercept)
    column = round((0.0 - x0) / step)
    ray = hu[round((40.0 - y0) / step) : round((110.0 - y0) / step), column - 1 : column + 2].mean(axis=1)
    assert 1000 <= ray.max() <= 1600


def test_transfer_syntaxes_and_decoding(demo_data: Path) -> None:
    expected = {
        (CT_HEAD_CASE, 2): ExplicitVRLittleEndian,
        (CT_TAP_CASE, 1): ExplicitVRLittleEndian,
        (CT_TAP_CASE, 2): ExplicitVRLittleEndian,
        (CT_TAP_CASE, 501): ExplicitVRLittleEndian,
        (DX_CHEST_CASE, 1): JPEG2000Lossless,
        (MR_BRAIN_CASE, 3): JPEGLSLossless,
    }
    for (case, number), syntax in expected.items():
        for path in sorted(_series(demo_data, case, number).glob("*.dcm"))[:3]:
            dataset = pydicom.dcmread(path)
            assert dataset.file_meta.TransferSyntaxUID == syntax, path
            if "PixelData" in dataset:
                pixels = dataset.pixel_array
                assert pixels.shape == (dataset.Rows, dataset.Columns)
                assert pixels.max() > pixels.min()
                assert dataset.get("LossyImageCompression", "00") == "00"


def test_radiograph_is_lossless_and_deterministic(demo_data: Path) -> None:
    dataset = pydicom.dcmread(_series(demo_data, DX_CHEST_CASE, 1) / "IM0001.dcm")
    assert np.array_equal(dataset.pixel_array, chest_radiograph(seed=3303))
    assert dataset.PhotometricInterpretation == "MONOCHROME2"
    assert [Decimal(str(v)) for v in dataset.ImagerPixelSpacing] == [cases.DX_PIXEL_MM] * 2
    assert Decimal(str(dataset.ImageAndFluoroscopyAreaDoseProduct)) == cases.DX_DAP_DGYCM2
    assert dataset.ViewPosition == "PA"


def _content(item: Dataset) -> list[Dataset]:
    return list(item.get("ContentSequence", []))


def _concept(item: Dataset) -> str:
    return item.ConceptNameCodeSequence[0].CodeValue


def _num(item: Dataset) -> Decimal:
    return Decimal(str(item.MeasuredValueSequence[0].NumericValue))


def test_dose_report_totals(demo_data: Path, tmp_path: Path) -> None:
    path = _series(demo_data, CT_TAP_CASE, 501) / "IM0001.dcm"
    report = pydicom.dcmread(path)
    assert report.SOPClassUID == "1.2.840.10008.5.1.4.1.1.88.67"
    assert report.ContentTemplateSequence[0].TemplateIdentifier == "10011"
    assert report.ConceptNameCodeSequence[0].CodeValue == "113701"
    root = _content(report)
    accumulated = next(i for i in root if _concept(i) == "113811")
    values = {_concept(i): _num(i) for i in _content(accumulated)}
    events = [i for i in root if _concept(i) == "113819"]
    assert values["113812"] == len(events) == len(cases.CT_TAP_ACQUISITIONS) == 2
    dlps, ctdis = [], []
    for event in events:
        dose = next(i for i in _content(event) if _concept(i) == "113829")
        dose_values = {_concept(i): _num(i) for i in _content(dose) if i.ValueType == "NUM"}
        dlps.append(dose_values["113838"])
        ctdis.append(dose_values["113830"])
    assert values["113813"] == sum(dlps) == cases.CT_TAP_TOTAL_DLP_MGYCM
    assert dlps == [a.dlp_mgycm for a in cases.CT_TAP_ACQUISITIONS]
    assert ctdis == [a.ctdivol_mgy for a in cases.CT_TAP_ACQUISITIONS]
    scope = next(i for i in root if _concept(i) == "113705")
    assert _content(scope)[0].UID == CT_TAP_CASE.study_instance_uid == report.StudyInstanceUID
    # the spiral's images carry its CTDIvol: their mean is the event's Mean CTDIvol
    image_ctdi = [float(d.CTDIvol) for d in _headers(_series(demo_data, CT_TAP_CASE, 2))]
    assert np.mean(image_ctdi) == pytest.approx(float(cases.CT_TAP_SPIRAL.ctdivol_mgy), abs=0.02)
    tap = _headers(_series(demo_data, CT_TAP_CASE, 2))
    assert {d.ExposureModulationType for d in tap} == {"XYZ_EC"}
    assert len({int(d.XRayTubeCurrent) for d in tap}) > 10  # the current follows the body's thickness
    head_ctdi = {float(d.CTDIvol) for d in _headers(_series(demo_data, CT_HEAD_CASE, 2))}
    assert head_ctdi == {float(cases.CT_HEAD.ctdivol_mgy)}
    # and writing it again gives the same bytes
    assert write_dose_report(tmp_path)[0].read_bytes() == path.read_bytes()


def _study_headers(demo_data: Path, case: Study) -> Dataset:
    return pydicom.dcmread(next((demo_data / "dicom" / case.slug).rglob("*.dcm")), stop_before_pixels=True)


def test_all_files_of_a_study_share_its_identity(demo_data: Path) -> None:
    for case in (*IMAGED_CASES, *PRIORS):
        keys = set()
        for path in (demo_data / "dicom" / case.slug).rglob("*.dcm"):
            d = pydicom.dcmread(path, stop_before_pixels=True)
            keys.add(
                (
                    d.StudyInstanceUID,
                    d.AccessionNumber,
                    d.PatientID,
                    str(d.PatientName),
                    d.PatientBirthDate,
                    d.PatientSex,
                )
            )
        assert len(keys) == 1, case.slug
        assert next(iter(keys))[:2] == (case.study_instance_uid, case.accession_number)


# --- HL7 -----------------------------------------------------------------------------------------


def test_orders_parse_and_follow_the_night(demo_data: Path) -> None:
    control_ids, times = [], []
    for name, planned in zip(order_file_names(), MESSAGES, strict=True):
        raw = (demo_data / name).read_bytes()
        assert raw == render(planned), name  # deterministic
        assert b"\n" not in raw and raw.endswith(b"\r")
        message = _parse(raw)
        msh = message.msh
        control_ids.append(_value(msh.msh_10))
        times.append(_value(msh.msh_7))
        assert _value(msh.msh_12) == "2.5.1" and _value(msh.msh_18) == "UNICODE UTF-8"
        orc = _segments(message, "ORC")[0]
        obr = _segments(message, "OBR")[0]
        assert _value(orc.orc_2.ei_1) == _value(obr.obr_2.ei_1) == planned.case.placer_order_number
        expected = {
            Flow.REQUEST: ("ORM^O01^ORM_O01", "NW"),
            Flow.CANCELLATION: ("ORM^O01^ORM_O01", "CA"),
            Flow.COMPLEMENT: ("OMI^O23^OMI_O23", "SR"),
        }[planned.flow]
        assert (_value(msh.msh_9), _value(orc.orc_1)) == expected
        if planned.flow is Flow.REQUEST:
            assert _value(orc.orc_7.tq_6) == planned.case.priority.value == _value(obr.obr_27.tq_6)
            codes = [_value(o.obx_3.ce_1) for o in _segments(message, "OBX")]
            assert {"MODALITE_IMAGERIE", "REGION_ANATOMIQUE", "11322-5", "29463-7"} <= set(codes)
            assert ("82810-3" in codes) == (planned.case.pregnancy is not None)
            assert _value(orc.orc_14.xtn_12) == planned.case.site.phone
            assert _value(obr.obr_17.xtn_12) == planned.case.requester.phone
        if planned.flow is not Flow.COMPLEMENT:
            # The guide: ORC-12 is the site's responsible doctor and OBR-16 is "identique à l'ORC-12".
            responsible = _expected(planned.case.responsible)
            assert _practitioner(orc.orc_12) == _practitioner(obr.obr_16) == responsible
        pv1 = _segments(message, "PV1")[0]
        assert _practitioner(pv1.pv1_8) == _expected(planned.case.requester)  # referring doctor
        if planned.flow is Flow.CANCELLATION:
            assert _value(orc.orc_16.ce_2)
    assert len(set(control_ids)) == len(control_ids)
    assert times == sorted(times)


def _practitioner(xcn) -> tuple[str, ...]:
    return tuple(
        _value(c)
        for c in (xcn.xcn_1, xcn.xcn_2, xcn.xcn_3, xcn.xcn_9.hd_1, xcn.xcn_9.hd_2, xcn.xcn_9.hd_3, xcn.xcn_13)
    )


def _expected(doctor: cases.Practitioner) -> tuple[str, ...]:
    return ("8" + doctor.rpps, doctor.family, doctor.given, "ASIP-SANTE-PS", cases.RPPS_OID, "ISO", "IDNPS")


def test_requester_and_responsible_doctor_in_the_guide_example_form() -> None:
    """Byte for byte the XCN and XTN shapes of the ANS flux 1 example, with the demo's people."""
    planned = next(m for m in MESSAGES if m.case is CT_HEAD_CASE and m.flow is Flow.REQUEST)
    lines = {line[:3]: line for line in render(planned).decode("utf-8").split("\r")}
    responsible = "889970000058^LEROY^Vincent^^^DR^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"
    requester = "889970000017^FOURNIER^Claire^^^DR^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"
    assert lines["PV1"].split("|")[8] == requester
    orc = lines["ORC"].split("|")
    assert (orc[12], orc[14]) == (responsible, "^WPN^PH^^^^^^^^^+33261910142")
    obr = lines["OBR"].split("|")
    assert (obr[16], obr[17]) == (responsible, "^WPN^PH^^^^^^^^^+33261910351")


def test_priorities_of_the_cases() -> None:
    assert CT_HEAD_CASE.priority is cases.Priority.URGENT
    assert {c.slug for c in ALL_CASES if c.priority is cases.Priority.URGENT} == {
        "ct-tete",
        "tdm-tap",
        "tdm-abdo-pelvien",
    }
    flows = defaultdict(list)
    for planned in MESSAGES:
        flows[planned.case.slug].append(planned.flow)
    assert flows["tdm-abdo-pelvien"] == [Flow.REQUEST]
    assert flows["tdm-rachis-lombaire"] == [Flow.REQUEST, Flow.CANCELLATION]
    assert all(flows[c.slug] == [Flow.REQUEST, Flow.COMPLEMENT] for c in IMAGED_CASES)


def _complement(demo_data: Path, case: Case) -> Message:
    name = next(
        n
        for n, p in zip(order_file_names(), MESSAGES, strict=True)
        if p.case is case and p.flow is Flow.COMPLEMENT
    )
    return _parse((demo_data / name).read_bytes())


def _request(demo_data: Path, case: Case) -> Message:
    name = next(
        n
        for n, p in zip(order_file_names(), MESSAGES, strict=True)
        if p.case is case and p.flow is Flow.REQUEST
    )
    return _parse((demo_data / name).read_bytes())


def test_complements_point_at_the_generated_studies(demo_data: Path) -> None:
    for case in IMAGED_CASES:
        message = _complement(demo_data, case)
        ipc = _segments(message, "IPC")[0]
        study = _study_headers(demo_data, case)
        assert _value(ipc.ipc_3.ei_1) == study.StudyInstanceUID == case.study_instance_uid
        assert _value(ipc.ipc_1.ei_1) == study.AccessionNumber
        assert _value(ipc.ipc_1.ei_3) == study.IssuerOfAccessionNumberSequence[0].UniversalEntityID
        assert _value(ipc.ipc_2.ei_1) == study.RequestAttributesSequence[0].RequestedProcedureID
        observations = {(_value(o.obx_3.ce_1), _value(o.obx_4)): o for o in _segments(message, "OBX")}
        model = _value(observations[("APPAREIL_IMAGERIE", "1.2")].obx_5)
        assert model == f"{study.Manufacturer} {study.ManufacturerModelName}"
        assert (("PRODUIT_ADMINISTRE", "1.1") in observations) == (case is CT_TAP_CASE)
    tap = {
        (_value(o.obx_3.ce_1), _value(o.obx_4)): _value(o.obx_5)
        for o in _segments(_complement(demo_data, CT_TAP_CASE), "OBX")
    }
    assert tap[("PRODUIT_ADMINISTRE", "1.1")].startswith("V08AB02^")
    assert tap[("PRODUIT_ADMINISTRE", "1.3")] == str(cases.IOHEXOL.volume_ml)


def _order_identity(message: Message) -> tuple[str, str, str, str]:
    pid = _segments(message, "PID")[0]
    ins = next(rep for rep in pid.children if rep.name == "PID_3" and _value(rep.cx_5) == "INS")
    legal = next(rep for rep in pid.children if rep.name == "PID_5" and _value(rep.xpn_7) == "L")
    name = f"{_value(legal.xpn_1.fn_1)}^{_value(legal.xpn_2)}"
    return _value(ins.cx_1), name, _value(pid.pid_7.ts_1), _value(pid.pid_8)


def test_images_carry_the_order_identity_except_the_mismatch_case(demo_data: Path) -> None:
    mismatched = []
    for case in IMAGED_CASES:
        study = _study_headers(demo_data, case)
        images = (study.PatientID, str(study.PatientName), study.PatientBirthDate, study.PatientSex)
        order = _order_identity(_request(demo_data, case))
        assert images[0] == order[0] == case.patient.ins
        assert study.IssuerOfPatientIDQualifiersSequence[0].UniversalEntityID == cases.INS_NIR_TEST_OID
        assert study.OtherPatientIDsSequence[0].PatientID == case.patient.ipp
        if images != order:
            mismatched.append(case)
            assert images[:2] == order[:2] and images[3] == order[3]
            assert images[2] != order[2]
    assert mismatched == [MISMATCH_CASE]
    assert MISMATCH_CASE.dicom_birth_date is not None
    assert (
        MISMATCH_CASE.dicom_birth_date.strftime("%Y%m%d")
        == _study_headers(demo_data, MISMATCH_CASE).PatientBirthDate
    )


# --- validity --------------------------------------------------------------------------------------


DCIODVFY = shutil.which("dciodvfy")


@pytest.mark.skipif(DCIODVFY is None, reason="dciodvfy (Debian package dicom3tools) is not installed")
@pytest.mark.parametrize(
    ("case", "number", "instance"),
    [
        (CT_HEAD_CASE, 2, 100),
        (CT_TAP_CASE, 1, 1),
        (CT_TAP_CASE, 2, 90),
        (CT_TAP_CASE, 501, 1),
        (DX_CHEST_CASE, 1, 1),
        (MR_BRAIN_CASE, 3, 12),
        (PRIOR_CT_HEAD, 2, 20),
        (PRIOR_DX_CHEST, 1, 1),
    ],
    ids=[
        "ct-tete",
        "tdm-tap-topogramme",
        "tdm-tap",
        "tdm-tap-rdsr",
        "rx-thorax",
        "irm-cerebrale",
        "ct-tete-anterieur",
        "tdm-tap-anterieur",
    ],
)
def test_dciodvfy_finds_no_error(demo_data: Path, case: Study, number: int, instance: int) -> None:
    path = _series(demo_data, case, number) / f"IM{instance:04d}.dcm"
    result = subprocess.run([DCIODVFY, str(path)], capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.startswith("Error")]
    assert not errors, output
    assert result.returncode == 0, output


# --- prior studies ---------------------------------------------------------------------------------


def test_priors_belong_to_their_patient_and_have_no_order(demo_data: Path) -> None:
    assert priors_of(CT_HEAD_CASE) == (PRIOR_CT_HEAD,)
    assert priors_of(CT_TAP_CASE) == (PRIOR_DX_CHEST,)
    assert priors_of(DX_CHEST_CASE) == priors_of(MR_BRAIN_CASE) == ()
    orders = b"".join(path.read_bytes() for path in sorted((demo_data / "orders").iterdir()))
    for prior in PRIORS:
        current = _study_headers(demo_data, prior.current)
        old = _study_headers(demo_data, prior)
        identity = ("PatientID", "PatientName", "PatientBirthDate", "PatientSex", "IssuerOfPatientID")
        assert [old.get(k) for k in identity] == [current.get(k) for k in identity]
        assert old.PatientID == prior.patient.ins
        assert old.OtherPatientIDsSequence[0].PatientID == prior.patient.ipp
        assert old.StudyInstanceUID == prior.study_instance_uid != current.StudyInstanceUID
        assert old.AccessionNumber == prior.accession_number != current.AccessionNumber
        assert old.StudyDate == prior.study_date.strftime("%Y%m%d") < current.StudyDate
        assert old.StudyDescription == prior.description and old.Modality == prior.modality
        assert old.file_meta.TransferSyntaxUID == prior.transfer_syntax
        assert old.ReferringPhysicianName == prior.requester.dicom_name
        # an archive study: no order, no complement and no accession number of it on the wire
        assert prior.accession_number.encode() not in orders
        assert prior.study_instance_uid.encode() not in orders
        uids = _sop_uids(demo_data, prior)
        assert len(uids) == prior.instances and not uids & _sop_uids(demo_data, prior.current), prior.slug
    # 14 months and less than 3 months before the night
    assert (CT_HEAD_CASE.exam.performed_at - PRIOR_CT_HEAD.exam.performed_at).days // 30 == 14  # type: ignore[union-attr]
    assert 60 < (CT_TAP_CASE.exam.performed_at - PRIOR_DX_CHEST.exam.performed_at).days < 90  # type: ignore[union-attr]


def _sop_uids(demo_data: Path, study: Study) -> set[str]:
    paths = (demo_data / "dicom" / study.slug).rglob("*.dcm")
    return {pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID for path in paths}


def test_prior_head_ct_has_no_haematoma_yet(demo_data: Path) -> None:
    index = PRIOR_HEAD_GEOMETRY.z.index(52.0)
    prior = pydicom.dcmread(_series(demo_data, PRIOR_CT_HEAD, 2) / f"IM{index + 1:04d}.dcm")
    night = _head_slice(demo_data, 52.0)
    assert 55 <= _hu_at(night, -61.2, 4.0) <= 85  # acute subdural haematoma tonight
    assert -5 <= _hu_at(prior, -61.2, 4.0) <= 45  # CSF or cortex there 14 months earlier
    assert -5 <= _hu_at(prior, 17.2, 4.0) <= 18  # the same left lateral ventricle
    assert Decimal(str(prior.SliceThickness)) == cases.PRIOR_CT_HEAD_SPACING_MM
    assert float(prior.CTDIvol) == float(cases.CT_HEAD_PRIOR.ctdivol_mgy)


def test_prior_radiograph_is_a_normal_womans_chest(demo_data: Path) -> None:
    dataset = pydicom.dcmread(_series(demo_data, PRIOR_DX_CHEST, 1) / "IM0001.dcm")
    expected = chest_radiograph(seed=2212, consolidation=False, breasts=True)
    assert np.array_equal(dataset.pixel_array, expected)
    assert dataset.PatientSex == "F" and dataset.Manufacturer == cases.DX_CHVC.manufacturer
    assert Decimal(str(dataset.ImageAndFluoroscopyAreaDoseProduct)) == cases.PRIOR_DX_DAP_DGYCM2
    # no consolidation: the right lower zone is dark (aerated), where tonight's pneumonia is white
    night = pydicom.dcmread(_series(demo_data, DX_CHEST_CASE, 1) / "IM0001.dcm").pixel_array
    assert _right_lower_zone(expected) < 1000 < 2000 < _right_lower_zone(night)


def _right_lower_zone(pixels: np.ndarray) -> float:
    """Median grey level 88 mm to the patient's right of the spine, 268 mm down (MONOCHROME2)."""
    step = float(cases.DX_PIXEL_MM)
    row, column = round(268 / step), round(pixels.shape[1] / 2 - 88 / step)
    return float(np.median(pixels[row - 10 : row + 11, column - 10 : column + 11]))
