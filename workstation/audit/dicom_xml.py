"""Audit records as DICOM audit messages (PS3.15 A.5.1 schema), the form an ATNA repository receives.

One ``AuditMessage`` per record, elements in the schema's order: EventIdentification,
ActiveParticipant+, AuditSourceIdentification, ParticipantObjectIdentification*. Coded values carry
``csd-code``, ``codeSystemName`` and ``originalText``; ParticipantObjectDetail and
ParticipantObjectQuery values are base64, as the schema types them.
"""

from __future__ import annotations

import base64

from lxml import etree

from workstation.audit.model import OBJECT_CODES, AuditRecord, Code

END_USER_DISPLAY_DEVICE = Code("1", "DCM", "End-user display device, diagnostic display")


def _coded(parent: etree._Element, tag: str, code: Code) -> etree._Element:
    return etree.SubElement(
        parent, tag, {"csd-code": code.code, "codeSystemName": code.scheme, "originalText": code.meaning}
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def audit_message(record: AuditRecord) -> etree._Element:
    root = etree.Element("AuditMessage")
    event = etree.SubElement(
        root,
        "EventIdentification",
        EventActionCode=record.action.value,
        EventDateTime=record.at.isoformat(timespec="milliseconds"),
        EventOutcomeIndicator=str(record.outcome.value),
    )
    _coded(event, "EventID", record.event_id)
    if record.event_type is not None:
        _coded(event, "EventTypeCode", record.event_type)
    if record.description:
        etree.SubElement(event, "EventOutcomeDescription").text = record.description

    for participant in record.participants:
        attributes = {"UserID": participant.user_id}
        if participant.alt_user_id:
            attributes["AlternativeUserID"] = participant.alt_user_id
        attributes["UserIsRequestor"] = "true" if participant.is_requestor else "false"
        if participant.access_point:
            attributes["NetworkAccessPointID"] = participant.access_point
            if participant.access_point_type is not None:
                attributes["NetworkAccessPointTypeCode"] = participant.access_point_type.value
        element = etree.SubElement(root, "ActiveParticipant", attributes)
        if participant.role is not None:
            _coded(element, "RoleIDCode", participant.role.value)
        if participant.media is not None:
            _coded(etree.SubElement(element, "MediaIdentifier"), "MediaType", participant.media.value)

    source_attributes = {"AuditSourceID": record.source.source_id}
    if record.source.site_id:
        source_attributes["AuditEnterpriseSiteID"] = record.source.site_id
    source = etree.SubElement(root, "AuditSourceIdentification", source_attributes)
    _coded(source, "AuditSourceTypeCode", END_USER_DISPLAY_DEVICE)

    for obj in record.objects:
        type_code, role, id_type = OBJECT_CODES[obj.kind]
        element = etree.SubElement(
            root,
            "ParticipantObjectIdentification",
            ParticipantObjectID=obj.id,
            ParticipantObjectTypeCode=type_code,
            ParticipantObjectTypeCodeRole=role,
        )
        _coded(element, "ParticipantObjectIDTypeCode", id_type)
        if obj.query:
            etree.SubElement(element, "ParticipantObjectQuery").text = _b64(obj.query)
        for detail_type, value in obj.details:
            etree.SubElement(element, "ParticipantObjectDetail", type=detail_type, value=_b64(value))
    return root


def to_xml(record: AuditRecord) -> bytes:
    """The UTF-8 XML document of one audit message."""
    return etree.tostring(audit_message(record), xml_declaration=True, encoding="UTF-8", pretty_print=True)
