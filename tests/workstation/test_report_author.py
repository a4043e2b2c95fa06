"""The remote radiologist's organisation (issue 16, item 5): named in the workstation's settings,
written as the CDA author's organisation, while the service event still shows the radiologist at
the imaging site (the DRIMbox needs it); an identifier that is neither 1 + FINESS nor 3 + SIRET is
refused when the settings are read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from auth.session import Identity
from reporting.cda import build_cda
from reporting.model import STRUCTURE_ROOT
from tests.cda_validation import assert_valid_cda
from tests.reporting.factories import SITE, make_signed
from workstation.reading import author_of
from workstation.settings import Settings, SettingsError

NS = {"h": "urn:hl7-org:v3"}
IDENTITY = Identity("dr.moreau", "89970000041", "MOREAU", "Hélène", "dr")


def test_the_author_belongs_to_the_teleradiology_organisation_of_the_settings(
    shared_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(organisation_name="Téléradiologie du Centre", organisation_id="1180099970")
    author = author_of(SimpleNamespace(identity=IDENTITY, settings=settings))  # type: ignore[arg-type]
    assert author.organization.name == "Téléradiologie du Centre"
    assert (author.organization.id.root, author.organization.id.extension) == (STRUCTURE_ROOT, "1180099970")
    report = make_signed()
    report = replace(report, participants=replace(report.participants, author=author))
    cda = build_cda(report)
    root = etree.fromstring(cda)
    orgs = root.xpath(
        "//h:author/h:assignedAuthor[h:id/@extension='889970000041']/h:representedOrganization/h:name/text()",
        namespaces=NS,
    )
    assert orgs == ["Téléradiologie du Centre"]
    performer = root.xpath(
        "//h:serviceEvent/h:performer/h:assignedEntity/h:representedOrganization/h:name/text()", namespaces=NS
    )
    assert performer == [SITE.name]
    path = tmp_path / "author.xml"
    path.write_bytes(cda)
    assert_valid_cda(shared_dir, path)


def test_no_organisation_named_means_none_written() -> None:
    author = author_of(SimpleNamespace(identity=IDENTITY, settings=Settings()))  # type: ignore[arg-type]
    assert author.organization is None


@pytest.mark.parametrize("bad", ["180099970", "11800999701", "2180099970", "3123", "1A80099970"])
def test_an_organisation_identifier_must_be_a_national_structure_identifier(bad: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings(organisation_name="X", organisation_id=bad)
    assert "FINESS" in raised.value.user_message
    Settings(organisation_name="X", organisation_id="312345678901234")  # 3 + SIRET
