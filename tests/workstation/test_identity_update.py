"""Issue 23, item 5 without Qt: the report signed on a provisional identity is kept sealed, and the
qualified identity received afterwards builds its next version (MDM^T10 replacing it, same set) whose
addendum names both identities, on the qualified INS; the CDA validates with the ANS tools."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from hl7v2.message import parse
from hl7v2.order import Order, parse_order
from reporting.checks import sign
from reporting.hl7 import extract_cda
from reporting.model import ProvisionalIdentity, Report
from reporting.order import site_messages
from reporting.pipeline import build_and_wrap
from teleplatform.demo import cases, orders
from tests.cda_validation import assert_valid_cda
from tests.reporting.factories import PARIS, RADIOLOGIST_THOMAS, SIGNED_AT, make_signed
from tests.teleplatform.builders import cda, report_mdm
from workstation.identity_update import (
    KeptReportError,
    SignedReports,
    addendum_due,
    decode,
    encode,
    identity_addendum,
)

CASE = cases.UNKNOWN_EMERGENCY_CASE
UPDATED_AT = datetime(2026, 11, 15, 9, 0, tzinfo=PARIS)


def _order(with_addendum: bool = False) -> Order:
    """The demo's unknown emergency patient: request, complement, report, then the qualified flux 4."""
    request = orders.render(cases.ScheduledMessage(CASE.requested_at, CASE, cases.Flow.REQUEST))
    done = orders.render(cases.ScheduledMessage(CASE.exam.complement_at, CASE, cases.Flow.COMPLEMENT))
    report = report_mdm(CASE.placer_order_number, "R1", cda("2.25.11"), "2.25.11")
    update = orders.identity_update(CASE, cases.UNKNOWN_EMERGENCY_IDENTIFIED, UPDATED_AT)
    messages = [request, done, report, update]
    if with_addendum:
        messages.append(report_mdm(CASE.placer_order_number, "R2", cda("2.25.12"), "2.25.12", "2.25.11"))
    return parse_order(messages)


def _signed_on_provisional(order: Order) -> Report:
    patient = site_messages(order)[0].patient
    return make_signed(patient=patient, provisional_identity=ProvisionalIdentity("PROV", SIGNED_AT))


def test_a_signed_report_comes_back_equal_from_its_json() -> None:
    report = _signed_on_provisional(_order())
    assert decode(Report, json.loads(json.dumps(encode(report)))) == report
    full = make_signed()  # dose, measurements, images, products, incidents...
    assert decode(Report, json.loads(json.dumps(encode(full)))) == full


def test_the_kept_report_is_sealed_and_bound_to_its_order(tmp_path: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    kept = SignedReports.open(tmp_path / "signed-reports", keystore)
    report = _signed_on_provisional(_order())
    path = kept.keep(CASE.placer_order_number, report)
    assert CASE.placer_order_number.encode() not in path.read_bytes()  # sealed
    assert b"INCONNU" not in path.read_bytes() and CASE.placer_order_number not in path.name
    assert (tmp_path / "signed-reports").stat().st_mode & 0o077 == 0
    assert SignedReports.open(tmp_path / "signed-reports", keystore).load(CASE.placer_order_number) == report
    assert kept.load("another-order") is None
    kept.path_for("another-order").write_bytes(path.read_bytes())  # a copy under another order's name
    with pytest.raises(KeptReportError):
        kept.load("another-order")
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(KeptReportError):
        kept.load(CASE.placer_order_number)
    kept.discard(CASE.placer_order_number)
    assert not path.exists()


def test_the_addendum_replaces_the_provisional_version_on_the_qualified_identity(
    tmp_path: Path, shared_dir: Path
) -> None:
    order = _order()
    update = addendum_due(order)
    assert update is not None and update.patient.ins is not None
    first = _signed_on_provisional(order)
    second = sign(identity_addendum(first, order, RADIOLOGIST_THOMAS, UPDATED_AT), UPDATED_AT)
    assert second.set_id == first.set_id and second.version == 2
    assert second.parent_document_id == first.document_id and second.provisional_identity is None
    assert second.patient is not None and second.patient.ins is not None
    assert second.patient.ins.extension == update.patient.ins.matricule
    assert second.patient.identity_status == "QUAL" and second.patient.birth_family == "LEFEBVRE"
    assert second.results == first.results and second.conclusion == first.conclusion
    text = second.addendum.text if second.addendum else ""
    assert "identité provisoire INCONNU X" in text and "IPP 70220981" in text and "statut PROV" in text
    assert f"INS {update.patient.ins.matricule}" in text and "LEFEBVRE THOMAS JEAN" in text
    assert "statut QUAL" in text and "06/01/2026 à 19:30" in text

    outputs = build_and_wrap(second, control_id="ADDENDUM0000000000001", now=UPDATED_AT)
    message = parse(outputs.message.er7)
    assert message.message_type == "MDM^T10"
    txa = message.first("TXA")
    assert txa is not None and first.document_id in txa.get(13)
    document = extract_cda(outputs.message.er7)
    assert update.patient.ins.matricule.encode() in document
    assert "identité provisoire non qualifiée".encode() not in document  # the mention is gone
    path = tmp_path / "cr-addendum-identite.xml"
    path.write_bytes(document)
    assert_valid_cda(shared_dir, path)


def test_no_addendum_is_due_once_one_followed_nor_for_a_cancelled_order() -> None:
    assert addendum_due(_order(with_addendum=True)) is None
    order = _order()
    assert addendum_due(order) is not None
    with pytest.raises(ValueError):
        identity_addendum(
            _signed_on_provisional(order), _order(with_addendum=True), RADIOLOGIST_THOMAS, UPDATED_AT
        )
    assert addendum_due(replace(order, cancellation=object())) is None  # type: ignore[arg-type]
