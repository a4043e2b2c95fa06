"""The CDA R2 document carried base64-encoded in OBX-5 (ED) of a report message.

The platform checks what it can vouch for without the schematrons: the data decodes, it is
well-formed XML (parsed without DTDs, entities or network access), its root is a CDA
ClinicalDocument, and it says which document it is and which order it answers.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from lxml import etree

CDA_NS = "urn:hl7-org:v3"
DICOM_NS = "urn:dicom-org:ps3-20"
_NS = {"cda": CDA_NS, "ps3-20": DICOM_NS}


class CdaError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class InstanceIdentifier:
    """An II: OID root, optional extension."""

    root: str
    extension: str = ""

    def __str__(self) -> str:
        return f"{self.root}^{self.extension}" if self.extension else self.root


@dataclass(frozen=True, slots=True)
class CdaDocument:
    xml: bytes
    document_id: InstanceIdentifier
    placer_order_numbers: tuple[str, ...]
    accession_numbers: tuple[str, ...]
    study_instance_uids: tuple[str, ...]
    parent_document_ids: tuple[InstanceIdentifier, ...]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def decode_cda(data: str) -> CdaDocument:
    compact = "".join(data.split())
    if not compact:
        raise CdaError("Le document CDA est absent (OBX-5.5 vide).", "empty ED data")
    try:
        xml = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CdaError(
            "Le document CDA n'est pas un base64 valide (message tronqué ?).",
            f"base64 decoding failed: {exc}",
        ) from exc
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise CdaError(
            "Le document CDA n'est pas un XML bien formé (document tronqué ?).", f"XML not well-formed: {exc}"
        ) from exc
    if etree.QName(root).localname != "ClinicalDocument":
        raise CdaError(
            "Le document transmis n'est pas un document CDA (racine ClinicalDocument attendue).",
            f"root element is {etree.QName(root).localname}",
        )
    if etree.QName(root).namespace != CDA_NS:
        raise CdaError(
            "Le document CDA n'utilise pas l'espace de noms HL7 v3 (urn:hl7-org:v3).",
            f"root namespace is {etree.QName(root).namespace!r}",
        )
    doc_id = root.find("cda:id", _NS)
    if doc_id is None or not doc_id.get("root"):
        raise CdaError(
            "Le document CDA n'a pas d'identifiant (ClinicalDocument/id).",
            "ClinicalDocument/id/@root missing",
        )

    def attrs(path: str, name: str) -> tuple[str, ...]:
        return tuple(v for e in root.iterfind(path, _NS) if (v := (e.get(name) or "").strip()))

    return CdaDocument(
        xml=xml,
        document_id=InstanceIdentifier(doc_id.get("root", ""), doc_id.get("extension", "")),
        placer_order_numbers=attrs("cda:inFulfillmentOf/cda:order/cda:id", "extension"),
        accession_numbers=attrs("cda:inFulfillmentOf/cda:order/ps3-20:accessionNumber", "extension"),
        study_instance_uids=attrs("cda:documentationOf/cda:serviceEvent/cda:id", "root"),
        parent_document_ids=tuple(
            InstanceIdentifier(e.get("root", ""), e.get("extension", ""))
            for e in root.iterfind("cda:relatedDocument/cda:parentDocument/cda:id", _NS)
        ),
    )
