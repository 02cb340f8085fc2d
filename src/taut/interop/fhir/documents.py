"""Patients' files (referral letters, imaging reports, outside records) as DocumentReference.

The bytes are not inlined (a scan can be 20 MB): the attachment's url is the file's address on
this site, which serves it only to someone allowed to open it, with its size and SHA-1 hash as
FHIR's Attachment asks. Only files in the record are exported: not those still awaiting review,
declined, or removed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse

from taut.files.models import FileStatus, PatientFile
from taut.interop.fhir.resources import Resource, _instant, _uuid_identifier, ref


def document_reference_resource(file: PatientFile, *, patient_id: str) -> Resource:
    path = reverse("files:open", args=[patient_id, file.public_id])
    return {
        "resourceType": "DocumentReference",
        "id": str(file.public_id),
        "identifier": [_uuid_identifier(file.public_id)],
        "status": "current",
        "type": {"text": file.get_kind_display()},
        "subject": ref("Patient", patient_id),
        "date": _instant(file.uploaded_at),
        "description": file.title,
        "content": [
            {
                "attachment": {
                    "contentType": file.content_type,
                    "url": f"{settings.TAUT_BASE_URL}{path}",
                    "size": file.size,
                    "hash": base64.b64encode(bytes.fromhex(file.sha1)).decode("ascii"),
                    "title": file.title,
                    "creation": _instant(file.uploaded_at),
                }
            }
        ],
    }


def document_resources(files: Any, *, patient_ids: dict[int, str]) -> Iterator[Resource]:
    in_record = files.filter(status=FileStatus.IN_RECORD, removed_at__isnull=True)
    for file in in_record.order_by("pk"):
        yield document_reference_resource(file, patient_id=patient_ids[file.patient_id])
