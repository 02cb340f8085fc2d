from __future__ import annotations

from django.urls import reverse

from taut.audit.models import Action, AuditEntry
from taut.patients.models import Patient
from tests.conftest import World, client_for, make_patient

VALID = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "date_of_birth": "1976-12-09",
    "sex": "female",
    "phone": "+1 303 555 0199",
    "email": "grace@example.com",
    "address": "1 Navy Way",
}


def test_it_registers_a_patient_and_audits_the_creation(world: World) -> None:
    response = client_for(world.frontdesk_a).post(reverse("patients:create"), VALID)
    patient = Patient.objects.get(family_name="Hopper")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.public_id])
    assert patient.clinic == world.clinic_a
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_id=str(patient.public_id), actor=world.frontdesk_a
    ).exists()


def test_it_names_the_field_and_the_reason_and_stores_nothing(world: World) -> None:
    bad = {**VALID, "date_of_birth": "2999-01-01", "email": "not-an-email", "given_name": " "}
    response = client_for(world.frontdesk_a).post(reverse("patients:create"), bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert "The date of birth is in the future." in form.errors["date_of_birth"]
    assert "email" in form.errors and "given_name" in form.errors
    assert not Patient.objects.filter(family_name="Hopper").exists()
    assert b"The date of birth is in the future." in response.content


def test_it_rejects_a_phone_number_with_letters(world: World) -> None:
    response = client_for(world.frontdesk_a).post(
        reverse("patients:create"), {**VALID, "phone": "call me"}
    )
    assert "phone" in response.context["form"].errors


def test_opening_a_patient_is_audited_as_a_view(world: World) -> None:
    url = reverse("patients:detail", args=[world.patient_a.public_id])
    response = client_for(world.clinician_a).get(url)
    assert response.status_code == 200
    assert b"Ada Lovelace" in response.content
    assert (
        AuditEntry.objects.filter(
            action=Action.VIEW, actor=world.clinician_a, object_id=str(world.patient_a.public_id)
        ).count()
        == 1
    )


def test_editing_changes_the_record_and_audits_the_fields(world: World) -> None:
    url = reverse("patients:edit", args=[world.patient_a.public_id])
    data = {**VALID, "given_name": "Augusta Ada", "family_name": "Lovelace"}
    assert client_for(world.frontdesk_a).post(url, data).status_code == 302
    world.patient_a.refresh_from_db()
    assert world.patient_a.given_name == "Augusta Ada"
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(world.patient_a.public_id))
    assert "given_name" in entry.detail["fields"]


def test_archiving_keeps_the_record_and_hides_it_from_the_default_list(world: World) -> None:
    client = client_for(world.clinician_a)
    client.post(reverse("patients:archive", args=[world.patient_a.public_id]))
    world.patient_a.refresh_from_db()
    assert world.patient_a.is_archived
    assert Patient.objects.filter(pk=world.patient_a.pk).exists()
    detail_link = reverse("patients:detail", args=[world.patient_a.public_id]).encode()
    listing = client.get(reverse("patients:list"), {"q": "Lovelace"})
    assert detail_link not in listing.content
    archived = client.get(reverse("patients:list"), {"q": "Lovelace", "archived": "on"})
    assert b"archived" in archived.content
    assert AuditEntry.objects.filter(action=Action.ARCHIVE).count() == 1


def test_an_archived_patient_cannot_be_edited_until_restored(world: World) -> None:
    client = client_for(world.clinician_a)
    client.post(reverse("patients:archive", args=[world.patient_a.public_id]))
    edit = client.post(reverse("patients:edit", args=[world.patient_a.public_id]), VALID)
    assert edit.status_code == 302
    world.patient_a.refresh_from_db()
    assert world.patient_a.family_name == "Lovelace"
    client.post(reverse("patients:restore", args=[world.patient_a.public_id]))
    world.patient_a.refresh_from_db()
    assert not world.patient_a.is_archived


def test_search_finds_by_name_without_accents_dob_phone_and_email(world: World) -> None:
    make_patient(
        world.clinic_a,
        "Zoë",
        "Sørensen",
        date_of_birth="1990-02-03",
        phone="(720) 555-0177",
        email="zoe.s@example.org",
    )
    client = client_for(world.frontdesk_a)
    for query in (
        "zoe",
        "soren",
        "sørensen zo",
        "1990-02-03",
        "03/02/1990",
        "720 555",
        "0177",
        "zoe.s@",
    ):
        response = client.get(reverse("patients:list"), {"q": query})
        assert "Sørensen".encode() in response.content, query


def _listed(world: World, query: str, **extra: object) -> list[str]:
    import re

    page = client_for(world.frontdesk_a).get(reverse("patients:list"), {"q": query, **extra})
    return re.findall(r'">([^<,]+, [^<]+)</a>', page.content.decode())


def test_family_name_matches_come_first_then_given_name_matches(world: World) -> None:
    for given, family in [
        ("Ann", "Quinn"),
        ("Quinn", "Adams"),
        ("Bob", "Quinnell"),
        ("Quincy", "Zane"),
    ]:
        make_patient(world.clinic_a, given, family)
    assert _listed(world, "quin") == [
        "Quinn, Ann",
        "Quinnell, Bob",
        "Zane, Quincy",  # given-name matches follow, by given name
        "Adams, Quinn",
    ]
    assert _listed(world, "quinn") == ["Quinn, Ann", "Quinnell, Bob", "Adams, Quinn"]


def test_every_word_of_a_name_search_must_match(world: World) -> None:
    make_patient(world.clinic_a, "Ann", "Quinn")
    make_patient(world.clinic_a, "Bob", "Quinn")
    assert _listed(world, "quinn an") == ["Quinn, Ann"]
    assert _listed(world, "a quinn") == ["Quinn, Ann"]


def test_a_search_past_the_page_says_there_are_more(world: World) -> None:
    from taut.patients.selectors import SEARCH_LIMIT

    for i in range(SEARCH_LIMIT):
        make_patient(world.clinic_a, f"Given{i:02d}", "Quade")
    make_patient(world.clinic_a, "Quade", "Zeller")  # a given-name match, beyond the page
    page = client_for(world.frontdesk_a).get(reverse("patients:list"), {"q": "qua"})
    assert f"{SEARCH_LIMIT}+ matches".encode() in page.content
    assert b"Zeller" not in page.content


def test_search_is_scoped_to_the_clinic(world: World) -> None:
    response = client_for(world.frontdesk_a).get(reverse("patients:list"), {"q": "Becker"})
    assert str(world.patient_b.public_id).encode() not in response.content
    assert b"No patients match" in response.content


def test_htmx_search_returns_only_the_results_fragment(world: World) -> None:
    response = client_for(world.frontdesk_a).get(
        reverse("patients:list"), {"q": "ada"}, HTTP_HX_REQUEST="true"
    )
    assert response.content.lstrip().startswith(b'<div id="results"')
    assert b"Lovelace" in response.content


def test_hostile_text_is_shown_escaped(world: World) -> None:
    client = client_for(world.frontdesk_a)
    payload = {**VALID, "address": "<script>alert(1)</script>' OR 1=1; --"}
    client.post(reverse("patients:create"), payload)
    patient = Patient.objects.get(family_name="Hopper")
    page = client.get(reverse("patients:detail", args=[patient.public_id]))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
