"""Issue 23, item 8: the report's mentions — the radiologist's practice address and country of
practice (said when reading from abroad) and the « annonce » of a poor prognosis to the requester per
the agreed procedure — in the teleradiology mention, the CDA author's addr and the conclusion; every
CDA validates with ../shared/tools/validate-cda."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from reporting.cda import build_cda
from reporting.model import PrognosisAnnouncement, Source, teleradiology_mention
from tests.cda_validation import assert_valid_cda
from tests.reporting.factories import RADIOLOGIST_THOMAS, make_signed

NS = {"h": "urn:hl7-org:v3"}
ABROAD = replace(
    RADIOLOGIST_THOMAS, practice_address="12 rue de la Loi, 1000 Bruxelles", practice_country="Belgique"
)
ANNOUNCED = PrognosisAnnouncement(
    "Dr Paul MARTIN (urgentiste)",
    "téléphone",
    datetime(2026, 1, 6, 22, 40, tzinfo=UTC),
    "procédure d'annonce des urgences du CH de Val-de-Cher",
    Source.USER,
    "Rappel du patient prévu par le demandeur.",
)


def test_the_mention_names_the_place_and_says_abroad_only_when_it_is() -> None:
    mention = teleradiology_mention(ABROAD)
    assert "lieu d'exercice : 12 rue de la Loi, 1000 Bruxelles" in mention
    assert "exerçant depuis l'étranger (Belgique)" in mention and mention.endswith(".")
    at_home = replace(ABROAD, practice_address="3 quai de Loire, 18000 Bourges", practice_country="France")
    assert "étranger" not in teleradiology_mention(at_home)
    assert teleradiology_mention(RADIOLOGIST_THOMAS).endswith(")."), "unchanged without settings"
    assert "étranger" not in teleradiology_mention(replace(ABROAD, practice_country=" fr "))


def test_the_cda_carries_the_practice_address_and_the_announcement(shared_dir: Path, tmp_path: Path) -> None:
    people = make_signed().participants
    report = make_signed(participants=replace(people, author=ABROAD), prognosis_announcement=ANNOUNCED)
    xml = build_cda(report)
    root = etree.fromstring(xml)
    addr = root.find("h:author/h:assignedAuthor/h:addr", NS)
    assert addr is not None and addr.get("use") == "WP"
    lines = [line.text for line in addr.findall("h:streetAddressLine", NS)]
    assert lines == ["12 rue de la Loi, 1000 Bruxelles", "Belgique"]
    conclusion = "".join(root.xpath("//h:section[h:code/@code='19005-8']//text()", namespaces=NS))
    assert "Annonce d'un pronostic grave" in conclusion and "Dr Paul MARTIN (urgentiste)" in conclusion
    assert "06/01/2026 à 23:40" in conclusion  # Paris time
    assert "procédure d'annonce des urgences du CH de Val-de-Cher" in conclusion
    assert "exerçant depuis l'étranger (Belgique)" in conclusion
    plain = make_signed()  # no settings: no addr, no announcement
    assert etree.fromstring(build_cda(plain)).find("h:author/h:assignedAuthor/h:addr", NS) is None
    (tmp_path / "mentions-abroad.xml").write_bytes(xml)
    (tmp_path / "mentions-plain.xml").write_bytes(build_cda(plain))
    assert_valid_cda(shared_dir, tmp_path / "mentions-abroad.xml", tmp_path / "mentions-plain.xml")
