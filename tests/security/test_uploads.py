"""Issue #9, part 2: uploads (drawn signatures, import files) refuse wrong types and sizes cleanly.

Every refusal answers 4xx or re-renders the form with an error on the field, never 5xx, and
writes no row. A guard walks every page so that a new file input or signature field fails here
until it is given the same treatment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from taut.consent.signature import MAX_BYTES, MAX_POINTS
from tests.conftest import SIGNATURE, World, client_for, publish_consent_document
from tests.security.htmlforms import parse_forms
from tests.security.sweep import body, invalid_fields, route_kwargs, row_counts, sweep_routes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
CSV_HEADER = b"given_name,family_name,date_of_birth\n"
MB = 1024 * 1024

# Where each kind of upload is taken; the guard below keeps this list complete.
FILE_UPLOAD_ACTIONS = {"interop:upload", "clinics:logo_upload"}  # logo refusals: tests/clinics


def _point_cloud(points: int) -> str:
    return json.dumps([[[float(i % 600), float(i % 200)] for i in range(points)]])


# A signature that is not one: (what it is, the raw field value).
BAD_SIGNATURES: list[tuple[str, str]] = [
    ("empty", ""),
    ("empty list", "[]"),
    ("not JSON", "<svg onload=alert(1)>"),
    ("truncated JSON", SIGNATURE[:-7]),
    ("an object", json.dumps({"strokes": [[1, 2]]})),
    ("strings for numbers", json.dumps([[["10", "20"]] * 12])),
    ("booleans for numbers", json.dumps([[[True, False]] * 12])),
    ("NaN", "[[" + ",".join(["[NaN, 1]"] * 12) + "]]"),
    ("huge number", "[[" + ",".join(["[1e400, 1]"] * 12) + "]]"),
    ("outside the pad", json.dumps([[[-5, 10]] * 12])),
    ("three coordinates", json.dumps([[[1, 2, 3]] * 12])),
    ("too few points", json.dumps([[[1, 2], [3, 4]]])),
    ("too many points", _point_cloud(MAX_POINTS + 1)),
    ("over the byte limit", json.dumps([[[1.123456789, 2.123456789]] * (MAX_BYTES // 20)])),
    ("deeply nested", "[" * 5000 + "]" * 5000),
    ("NUL byte", SIGNATURE[:10] + "\x00" + SIGNATURE[10:]),
    ("a PNG data URL", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"),
]


def _sign_setup(world: World, where: str) -> tuple[Client, str]:
    publish_consent_document(world.clinic_a, world.owner_a)
    if where == "portal":
        return client_for(world.portal_user_a), reverse("portal:sign", kwargs={"kind": "general"})
    url = reverse(
        "consent:sign", kwargs={"patient_id": world.patient_a.public_id, "kind": "general"}
    )
    return client_for(world.frontdesk_a), url


def _assert_refused_cleanly(response: Any, before: dict[str, int], field: str) -> str:
    assert response.status_code < 500
    html = body(response)
    assert response.status_code >= 400 or field in invalid_fields(html) or "errorlist" in html
    assert row_counts() == before, "a refused upload wrote rows"
    return html


@pytest.mark.parametrize("where", ["staff", "portal"])
@pytest.mark.parametrize(("what", "raw"), BAD_SIGNATURES, ids=[b[0] for b in BAD_SIGNATURES])
def test_a_signature_that_is_not_one_is_refused_with_a_message_on_the_pad(
    world: World, where: str, what: str, raw: str
) -> None:
    client, url = _sign_setup(world, where)
    before = row_counts()
    response = client.post(
        url, {"signed_name": "Ada Lovelace", "signature": raw, "understood": "on"}
    )
    html = _assert_refused_cleanly(response, before, "signature")
    assert any(
        words in html
        for words in (
            "sign again",
            "draw your signature",
            "Null characters are not allowed",
            "at most 100000 characters",
        )
    ), f"{what}: no message naming the signature"


@pytest.mark.parametrize("where", ["staff", "portal"])
def test_a_real_signature_is_accepted_so_the_refusals_above_are_about_the_signature(
    world: World, where: str
) -> None:
    client, url = _sign_setup(world, where)
    response = client.post(
        url, {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"}
    )
    assert response.status_code == 302


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


BAD_FILES: list[tuple[str, str, Callable[[], SimpleUploadedFile]]] = [
    ("png renamed csv", "csv", lambda: _upload("patients.csv", PNG, "text/csv")),
    ("png as png", "csv", lambda: _upload("patients.png", PNG, "image/png")),
    ("csv declared as image", "csv", lambda: _upload("patients.csv", CSV_HEADER, "image/png")),
    ("empty csv", "csv", lambda: _upload("patients.csv", b"", "text/csv")),
    (
        "latin-1 csv",
        "csv",
        lambda: _upload(
            "p.csv", CSV_HEADER + "Zoë,Brontë,1980-05-17\n".encode("latin-1"), "text/csv"
        ),
    ),
    (
        "utf-16 csv",
        "csv",
        lambda: _upload("p.csv", CSV_HEADER.decode().encode("utf-16"), "text/csv"),
    ),
    (
        "NUL bytes in csv",
        "csv",
        lambda: _upload("p.csv", CSV_HEADER + b"Ada\x00,L\x00,1980-05-17\n", "text/csv"),
    ),
    (
        "csv over 2 MB",
        "csv",
        lambda: _upload(
            "p.csv", CSV_HEADER + b"Ada,Lovelace,1980-05-17\n" * (2 * MB // 24 + 10), "text/csv"
        ),
    ),
    ("header only", "csv", lambda: _upload("p.csv", CSV_HEADER, "text/csv")),
    ("png renamed json", "fhir", lambda: _upload("bundle.json", PNG, "application/json")),
    ("empty json", "fhir", lambda: _upload("bundle.json", b"", "application/json")),
    (
        "json not a bundle",
        "fhir",
        lambda: _upload("bundle.json", b'{"resourceType": "Observation"}', "application/json"),
    ),
    ("json list", "fhir", lambda: _upload("bundle.json", b"[1, 2, 3]", "application/json")),
    (
        "truncated json",
        "fhir",
        lambda: _upload(
            "bundle.json", b'{"resourceType": "Bundle", "entry": [', "application/json"
        ),
    ),
    (
        "deeply nested json",
        "fhir",
        lambda: _upload("bundle.json", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ),
    (
        "json over 5 MB",
        "fhir",
        lambda: _upload(
            "bundle.json",
            b'{"resourceType": "Bundle", "entry": [' + b'{"x": 1},' * (5 * MB // 9) + b"{}]}",
            "application/json",
        ),
    ),
    (
        "latin-1 json",
        "fhir",
        lambda: _upload(
            "bundle.json",
            '{"resourceType": "Bundle", "id": "Zoë"}'.encode("latin-1"),
            "application/json",
        ),
    ),
    ("csv as fhir", "fhir", lambda: _upload("patients.csv", CSV_HEADER, "text/csv")),
]


# The sweep found that a deeply nested JSON array made the FHIR import fail with RecursionError
# (a 500); the import now refuses it on the file field like any unreadable file.
@pytest.mark.parametrize(
    ("what", "kind", "make"),
    BAD_FILES,
    ids=[b[0] for b in BAD_FILES],
)
def test_an_import_file_of_the_wrong_type_size_or_encoding_is_refused_on_the_file_field(
    world: World, what: str, kind: str, make: Callable[[], SimpleUploadedFile]
) -> None:
    client = client_for(world.frontdesk_a)
    before = row_counts()
    response = client.post(reverse("interop:upload"), {"kind": kind, "file": make()})
    _assert_refused_cleanly(response, before, "file")


def test_an_import_without_a_file_is_refused_on_the_file_field(world: World) -> None:
    before = row_counts()
    response = client_for(world.frontdesk_a).post(reverse("interop:upload"), {"kind": "csv"})
    _assert_refused_cleanly(response, before, "file")


def test_a_well_formed_import_file_is_taken_so_the_refusals_above_are_about_the_file(
    world: World,
) -> None:
    client = client_for(world.frontdesk_a)
    upload = _upload("p.csv", CSV_HEADER + "Zoë,Brontë,1980-05-17\n".encode(), "text/csv")
    response = client.post(reverse("interop:upload"), {"kind": "csv", "file": upload})
    assert response.status_code == 302


PATIENT_FILE_CASES = [
    ("html named pdf", "letter.pdf", b"<html><script>alert(1)</script></html>"),
    ("svg", "scan.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ("pdf then html", "x.pdf", b"%PDF-1.4\n%%EOF\n<script>alert(1)</script>"),
    ("pdf with javascript", "x.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript >> >>\n%%EOF"),
    ("empty", "empty.pdf", b""),
    ("truncated png", "../../etc/passwd.png", PNG),
]


def _patient_file_upload(world: World, where: str) -> tuple[Client, str]:
    if where == "portal":
        return client_for(world.portal_user_a), reverse("portal_files:home")
    url = reverse("files:upload", kwargs={"patient_id": world.patient_a.public_id})
    return client_for(world.frontdesk_a), url


@pytest.mark.parametrize("where", ["staff", "portal"])
@pytest.mark.parametrize(
    ("what", "name", "content"), PATIENT_FILE_CASES, ids=[c[0] for c in PATIENT_FILE_CASES]
)
def test_a_hostile_patient_file_is_refused_with_a_message_and_nothing_kept(
    world: World, where: str, what: str, name: str, content: bytes
) -> None:
    client, url = _patient_file_upload(world, where)
    before = row_counts()
    response = client.post(
        url,
        {"kind": "referral", "title": "", "file": _upload(name, content, "application/pdf")},
        follow=True,
    )
    html = body(response)
    assert response.status_code < 500
    assert row_counts() == before, f"{what}: a refused upload wrote rows"
    assert "not kept" in html or "could not take this file" in html or "File:" in html, what


def test_every_file_input_and_signature_field_is_covered_by_the_tests_above(world: World) -> None:
    """A new upload anywhere fails this until it is tested like the ones above."""
    publish_consent_document(world.clinic_a, world.owner_a)
    found_files, found_signatures = set(), set()
    for name in sweep_routes():
        kwargs = route_kwargs(name, world)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        for user in (world.owner_a, world.clinician_a, world.frontdesk_a, world.portal_user_a):
            response = client_for(user).get(url)
            if response.status_code != 200:
                continue
            for form in parse_forms(body(response)):
                action = form.action or url
                if form.file_fields:
                    found_files.add(action)
                if any(f.name == "signature" for f in form.fields):
                    found_signatures.add(action)
    expected_files = {reverse(n) for n in FILE_UPLOAD_ACTIONS} | {
        reverse("files:upload", kwargs={"patient_id": world.patient_a.public_id}),
        reverse("portal_files:home"),
    }
    assert found_files == expected_files, f"file inputs at {found_files - expected_files}"
    expected_signatures = {
        reverse(
            "consent:sign", kwargs={"patient_id": world.patient_a.public_id, "kind": "general"}
        ),
        reverse("portal:sign", kwargs={"kind": "general"}),
    }
    assert found_signatures == expected_signatures, f"signature fields at {found_signatures}"
