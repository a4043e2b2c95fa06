"""Small, explicit test data for the platform: HL7 messages, CDA documents, DICOM files, data dirs.

The messages follow the shapes of the ANS examples (flux 1-4, CDA-in-HL7v2); each test builds only
what it needs so a failure points at one rule.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyotp
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from teleplatform.demo.cases import SITES as DEMO_SITES

SEP = "\r"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNT = {
    "login": "dr.durand",
    "password": "Lecture-Securisee-2026",
    "totp_secret": SECRET,
    "rpps": "10101010101",
    "family": "DURAND",
    "given": "Alice",
    "title": "Dr",
    "role": "radiologist",
    # the builders' site, and the demo sites (tests render the demo cases' messages into their own data dirs)
    "sites": ["StructureApp^StructureFacility", *(f"{s.application}^{s.facility}" for s in DEMO_SITES)],
}
SITE_ACCOUNT = {
    "login": "ris.structure",
    "password": "Structure-Envoi-2026",
    "totp_secret": SECRET,
    "rpps": "",
    "family": "Structure d'imagerie",
    "given": "",
    "title": "",
    "role": "site",
    "senders": ["StructureApp^StructureFacility"],
}
OTHER_RADIOLOGIST = {
    "login": "dr.leroy",
    "password": "Autre-Lecteur-2026",
    "totp_secret": SECRET,
    "rpps": "10202020202",
    "family": "LEROY",
    "given": "Paul",
    "title": "Dr",
    "role": "radiologist",
    "groups": ["autre-groupe"],
}
OTHER_SITE = {
    "login": "ris.autre",
    "password": "Autre-Structure-2026",
    "totp_secret": SECRET,
    "rpps": "",
    "family": "Autre structure",
    "given": "",
    "title": "",
    "role": "site",
    "senders": ["AutreApp^AutreFacility"],
}
ADMIN_ACCOUNT = {
    "login": "admin.export",
    "password": "Export-Plateforme-2026",
    "totp_secret": SECRET,
    "rpps": "",
    "family": "Exploitation",
    "given": "",
    "title": "",
    "role": "admin",
}
ACCOUNTS = (ACCOUNT, SITE_ACCOUNT, OTHER_RADIOLOGIST, OTHER_SITE, ADMIN_ACCOUNT)
GROUPS = {"autre-groupe": ["AutreApp^AutreFacility"]}
SITE_SENDER = "StructureApp|StructureFacility"
OTHER_SENDER = "AutreApp|AutreFacility"
PID = (
    "PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||PAT-TROIS^DOMINIQUE^^^^^L"
    "||19790328|F"
)
PV1 = "PV1||O|||||||||||||||||000897406^^^CHU-X&000897406&M^VN"
PLACER_ROOT = "1.2.250.1.748.12345678.12"


def _msh(
    msg_type: str,
    control_id: str,
    version: str = "2.5.1",
    profile: str = "1.0^CISIS_TLR_HL7_V2",
    sender: str = "StructureApp|StructureFacility|TLRapp|TLRfacility",
) -> str:
    header = f"MSH|^~\\&|{sender}|20260106134418||{msg_type}|{control_id}|P|{version}"
    return f"{header}|||||FRA|UNICODE UTF-8|||{profile}"


def message(*segments: str) -> bytes:
    return SEP.join(segments).encode("utf-8")


def new_order(order_id: str, control_id: str, urgent: bool = False, sender: str = SITE_SENDER) -> bytes:
    """Flux 1; ``sender`` is MSH-3|MSH-4 (the site the order belongs to)."""
    priority = "^^^^^S" if urgent else ""
    return message(
        _msh("ORM^O01^ORM_O01", control_id, sender=f"{sender}|TLRapp|TLRfacility"),
        PID,
        PV1,
        f"ORC|NW|{order_id}^^{PLACER_ROOT}^ISO|||||{priority}||20260106134418",
        f"OBR||{order_id}^^{PLACER_ROOT}^ISO||TRANSMISSION_DEMANDE^Demande^TLR_OBR_PROCEDURE",
        "OBX|1|CE|MODALITE_IMAGERIE^Modalité^TLR_OBSERVATION||CT^Scanner^DCM||||||O",
    )


def cancellation(order_id: str, control_id: str, sender: str = SITE_SENDER) -> bytes:
    return message(
        _msh("ORM^O01^ORM_O01", control_id, sender=f"{sender}|TLRapp|TLRfacility"),
        PID,
        PV1,
        f"ORC|CA|{order_id}^^{PLACER_ROOT}^ISO|||||||20260106134518|||||||^Patient transféré",
        f"OBR||{order_id}^^{PLACER_ROOT}^ISO||ANNULATION_DEMANDE^Annulation^TLR_OBR_PROCEDURE",
    )


def acceptance(order_id: str, control_id: str, with_protocol: bool = True) -> bytes:
    protocol = base64.b64encode("Scanner cérébral sans injection".encode()).decode()
    segments = [
        _msh("ORU^R01^ORU_R01", control_id, sender="TLRapp|TLRfacility|StructureApp|StructureFacility"),
        PID,
        f"ORC|OK|{order_id}^^{PLACER_ROOT}^ISO",
        f"OBR||{order_id}^^{PLACER_ROOT}^ISO||REPONSE_DEMANDE^Réponse^TLR_OBR_PROCEDURE",
    ]
    if with_protocol:
        segments.append(
            f"OBX|1|ED|PROTOCOLE_IMAGERIE^Protocole d'imagerie^TLR_OBSERVATION||^TEXT^^Base64^{protocol}"
            "||||||F"
        )
    return message(*segments)


def refusal(order_id: str, control_id: str, reason: str, justification: tuple[str, ...] = ()) -> bytes:
    """Flux 3 refusal as the workstation writes it: coded reason in ORC-16, justification in an NTE."""
    orc16 = f"EXAMEN_NON_ADAPTE^{reason}^TLR_MOTIF_REFUS" if reason else ""
    segments = [
        _msh("ORU^R01^ORU_R01", control_id, sender="TLRapp|TLRfacility|StructureApp|StructureFacility"),
        PID,
        f"ORC|OC|{order_id}^^{PLACER_ROOT}^ISO||||||||||||||{orc16}",
        f"OBR||{order_id}^^{PLACER_ROOT}^ISO||REPONSE_DEMANDE^Réponse^TLR_OBR_PROCEDURE",
    ]
    if justification:
        segments.append(f"NTE|1||{'~'.join(justification)}|MOTIF_REFUS^^HL70364")
    return message(*segments)


def complement(
    order_id: str, control_id: str, accession: str, study_uid: str, sender: str = SITE_SENDER
) -> bytes:
    return message(
        _msh("OMI^O23^OMI_O23", control_id, sender=f"{sender}|TLRapp|TLRfacility"),
        PID,
        PV1,
        f"ORC|SR|{order_id}^^{PLACER_ROOT}^ISO|",
        f"OBR||{order_id}^^{PLACER_ROOT}^ISO||COMPLEMENT_POST_ACTE^Complément^TLR_OBR_PROCEDURE|",
        f"IPC|{accession}^^1.2.250.1.925.994044.27^ISO|24590-2^^2.16.840.1.113883.6.1^ISO|{study_uid}|"
        "24590-2^^2.16.840.1.113883.6.1^ISO|",
    )


def cda(document_root: str, order_id: str = "", study_uid: str = "", parent_root: str = "") -> bytes:
    order = (
        f'<inFulfillmentOf><order><id root="{PLACER_ROOT}" extension="{order_id}"/></order></inFulfillmentOf>'
        if order_id
        else ""
    )
    service = (
        f'<documentationOf><serviceEvent><id root="{study_uid}"/></serviceEvent></documentationOf>'
        if study_uid
        else ""
    )
    related = (
        f'<relatedDocument typeCode="RPLC"><parentDocument><id root="{parent_root}"/></parentDocument>'
        "</relatedDocument>"
        if parent_root
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
        f'<id root="{document_root}"/><title>Compte rendu d\'imagerie médicale</title>'
        f"{order}{service}{related}</ClinicalDocument>"
    ).encode()


def _report_obx(document: bytes, status: str, mdm: bool) -> str:
    kind = "text" if mdm else "TEXT"
    return (
        f"OBX|1|ED|18748-4^CR d'imagerie médicale^LN||^{kind}^XML^Base64^"
        f"{base64.b64encode(document).decode()}||||||{status}"
    )


def report_oru(order_id: str, control_id: str, document: bytes, replacement: bool = False) -> bytes:
    placer = f"{order_id}^^{PLACER_ROOT}^ISO" if order_id else ""
    return message(
        _msh(
            "ORU^R01^ORU_R01",
            control_id,
            version="2.5",
            profile="2.1^CISIS_CDA_HL7_V2",
            sender="TLR-POSTE|TLR-PLATEFORME|RIS|CHU-X",
        ),
        PID,
        PV1,
        f"ORC|{'RO' if replacement else 'NW'}|{placer}",
        f"OBR|1|{placer}||18748-4^CR d'imagerie médicale^LN",
        _report_obx(document, "C" if replacement else "F", mdm=False),
    )


def report_mdm(
    order_id: str, control_id: str, document: bytes, document_root: str, parent_root: str = ""
) -> bytes:
    replacement = bool(parent_root)
    return message(
        _msh(
            f"MDM^{'T10' if replacement else 'T02'}^MDM_T02",
            control_id,
            version="2.6",
            profile="2.1^CISIS_CDA_HL7_V2",
            sender="TLR-POSTE|TLR-PLATEFORME|RIS|CHU-X",
        ),
        "EVN||20260107101500",
        PID,
        PV1,
        f"ORC|{'RO' if replacement else 'NW'}|{order_id}^^{PLACER_ROOT}^ISO",
        f"OBR|1|{order_id}^^{PLACER_ROOT}^ISO||18748-4^CR d'imagerie médicale^LN",
        f"TXA|1|18748-4|TEXT|20260107101500||||||||{document_root}|{parent_root}||||AU",
        _report_obx(document, "C" if replacement else "F", mdm=True),
    )


def write_ct_series(
    directory: Path,
    count: int = 3,
    patient_id: str = "PAT-0001",
    accession: str = "ACC-0001",
    study_uid: str | None = None,
    modality: str = "CT",
    seed: int = 1,
) -> list[Path]:
    """A tiny uncompressed series with distinct random pixels per slice (so equality means something)."""
    directory.mkdir(parents=True, exist_ok=True)
    study_uid = study_uid or generate_uid()
    series_uid = generate_uid()
    rng = np.random.default_rng(seed)
    paths = []
    for index in range(count):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.PatientID = patient_id
        ds.PatientName = "TEST^PATIENT"
        ds.AccessionNumber = accession
        ds.StudyDate = "20260106"
        ds.Modality = modality
        ds.SeriesNumber = 2
        ds.InstanceNumber = index + 1
        ds.Rows, ds.Columns = 16, 12
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.PixelData = rng.integers(-1024, 3000, size=(16, 12), dtype=np.int16).tobytes()
        path = directory / f"slice{index:03d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_data_dir(root: Path, orders: dict[str, bytes] | None = None) -> Path:
    """DIR/seed/accounts.json (ACCOUNTS: the radiologist of StructureFacility first, its site, a
    radiologist and a site of another group, an admin), seed/groups.json, DIR/orders/*.hl7 and an
    empty DIR/dicom."""
    (root / "seed").mkdir(parents=True, exist_ok=True)
    (root / "orders").mkdir(exist_ok=True)
    (root / "dicom").mkdir(exist_ok=True)
    (root / "seed" / "accounts.json").write_text(json.dumps(list(ACCOUNTS)), encoding="utf-8")
    (root / "seed" / "groups.json").write_text(json.dumps(GROUPS), encoding="utf-8")
    for name, raw in (orders or {}).items():
        (root / "orders" / name).write_bytes(raw)
    return root


def otp_at(moment: datetime, offset_steps: int = 0) -> str:
    return pyotp.TOTP(SECRET).at(moment.astimezone(UTC).timestamp() + 30 * offset_steps)
