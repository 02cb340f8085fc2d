"""The owner edits the clinic's education pages: form, preview, save, hide, restore, history,
audit; other roles are refused."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.clinical.education import load_education
from taut.clinics.roles import Role
from taut.education.models import EducationPage, EducationPageVersion
from tests.conftest import World, client_for

WEAR = load_education().topic("what-to-wear")
assert WEAR is not None


def edit_url(topic: str = "what-to-wear") -> str:
    return reverse("education:edit", kwargs={"topic": topic})


def restore_url(topic: str = "what-to-wear") -> str:
    return reverse("education:restore", kwargs={"topic": topic})


def form(**fields: str) -> dict[str, str]:
    assert WEAR is not None
    return {
        "title": WEAR.title,
        "summary": WEAR.summary,
        "body": WEAR.body,
        "is_published": "on",
        "action": "save",
        **fields,
    }


def public(world: World, topic: str = "what-to-wear") -> str:
    url = reverse("education:topic", args=[world.clinic_a.slug, topic])
    return Client().get(url).content.decode()


def test_the_owner_sees_every_topic_with_its_state(world: World) -> None:
    client_for(world.owner_a).post(edit_url(), form(is_published=""))
    page = client_for(world.owner_a).get(reverse("education:manage")).content.decode()
    assert "<h1>Education pages</h1>" in page
    for topic in load_education().topics:
        assert edit_url(topic.slug) in page
    assert "Write your own" in page  # cost and insurance still shows the neutral text
    assert "Hidden" in page and "Owner A" in page


def test_the_owner_saves_the_clinics_own_text_and_the_public_page_shows_it(world: World) -> None:
    response = client_for(world.owner_a).post(
        edit_url(), form(body="Wear shorts.\n\n- Bring a towel")
    )
    assert response.status_code == 302
    page = EducationPage.objects.get(clinic=world.clinic_a, topic="what-to-wear")
    assert page.body == "Wear shorts.\n\n- Bring a towel" and page.version == 1
    assert page.updated_by == world.owner_a
    assert "<li>Bring a towel</li>" in public(world)


def test_each_save_is_audited_and_kept_as_a_version(world: World) -> None:
    client = client_for(world.owner_a)
    client.post(edit_url(), form(body="First wording."))
    client.post(edit_url(), form(body="Second wording."))
    page = EducationPage.objects.get(clinic=world.clinic_a, topic="what-to-wear")
    versions = EducationPageVersion.objects.filter(page=page).order_by("version")
    assert [(v.version, v.body) for v in versions] == [
        (1, "First wording."),
        (2, "Second wording."),
    ]
    entries = AuditEntry.objects.filter(object_type="education_page", clinic=world.clinic_a)
    assert [(e.action, e.detail["version"]) for e in entries.order_by("pk")] == [
        ("create", 1),
        ("update", 2),
    ]
    assert entries.first().actor_label == "owner_a"  # type: ignore[union-attr]
    history = client.get(edit_url()).content.decode()
    assert "First wording." in history and "Second wording." in history


def test_preview_shows_the_rendered_text_and_saves_nothing(world: World) -> None:
    response = client_for(world.owner_a).post(
        edit_url("risks"),
        form(title="Risks", body="## Our view\n\n- Mild soreness", action="preview"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview (not saved yet)" in page
    assert "<h2>Our view</h2>" in page and "<li>Mild soreness</li>" in page
    assert "7,629 treatments" in page  # the generated rates are part of the preview
    assert not EducationPage.objects.exists()
    assert not AuditEntry.objects.filter(object_type="education_page").exists()


def test_saving_the_shipped_text_unchanged_stores_nothing(world: World) -> None:
    response = client_for(world.owner_a).post(edit_url(), form(), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not EducationPage.objects.exists()


def test_hiding_a_topic_keeps_following_the_shipped_text(world: World) -> None:
    client_for(world.owner_a).post(edit_url(), form(is_published=""))
    page = EducationPage.objects.get(clinic=world.clinic_a, topic="what-to-wear")
    assert not page.is_published and page.uses_shipped_text
    url = reverse("education:topic", args=[world.clinic_a.slug, "what-to-wear"])
    assert Client().get(url).status_code == 404


def test_restoring_the_shipped_text_keeps_the_clinics_version_in_the_history(
    world: World,
) -> None:
    client = client_for(world.owner_a)
    client.post(edit_url(), form(body="Our own words."))
    response = client.post(restore_url(), follow=True)
    assert "shows the text Taut ships again" in response.content.decode()
    page = EducationPage.objects.get(clinic=world.clinic_a, topic="what-to-wear")
    assert page.uses_shipped_text and page.version == 2
    assert EducationPageVersion.objects.filter(page=page, body="Our own words.").exists()
    assert "Wear loose, comfortable clothes" in public(world)
    entry = AuditEntry.objects.filter(object_type="education_page").order_by("-pk").first()
    assert entry is not None and entry.detail["restored"] is True


def test_restoring_a_topic_that_shows_the_shipped_text_is_refused_politely(
    world: World,
) -> None:
    response = client_for(world.owner_a).post(restore_url(), follow=True)
    assert "already shows the text Taut ships" in response.content.decode()
    assert not EducationPage.objects.exists()


def test_a_missing_title_is_named_beside_the_field(world: World) -> None:
    response = client_for(world.owner_a).post(edit_url(), form(title=""))
    page = response.content.decode()
    assert "please correct the 1 field marked below" in page
    assert 'id="id_title_error"' in page and "This field is required." in page
    assert not EducationPage.objects.exists()


def test_html_in_the_text_is_refused_with_the_line_it_is_on(world: World) -> None:
    response = client_for(world.owner_a).post(
        edit_url(), form(body="Fine.\n<script>alert(1)</script>")
    )
    page = response.content.decode()
    assert 'id="id_body_error"' in page
    assert "Line 2: “&lt;script&gt;” looks like HTML." in page
    assert not EducationPage.objects.exists()


def test_overlong_text_is_refused(world: World) -> None:
    response = client_for(world.owner_a).post(edit_url(), form(body="x" * 20_001))
    assert 'id="id_body_error"' in response.content.decode()
    assert not EducationPage.objects.exists()


def test_an_unknown_topic_is_not_found_for_the_owner(world: World) -> None:
    client = client_for(world.owner_a)
    assert client.get(edit_url("horoscopes")).status_code == 404
    assert client.post(restore_url("horoscopes")).status_code == 404


def test_the_cost_topic_prompts_the_owner_to_write_their_own_prices(world: World) -> None:
    page = client_for(world.owner_a).get(edit_url("cost-and-insurance")).content.decode()
    assert "This page is yours to write: your prices" in page


def test_other_roles_are_refused_and_visitors_are_sent_to_sign_in(world: World) -> None:
    for role in (Role.CLINICIAN, Role.FRONT_DESK):
        client = client_for(world.staff("a", role))
        assert client.get(reverse("education:manage")).status_code == 403
        assert client.get(edit_url()).status_code == 403
        assert client.post(edit_url(), form(body="Mine now.")).status_code == 403
        assert client.post(restore_url()).status_code == 403
    assert client_for(world.portal_user_a).get(reverse("education:manage")).status_code == 403
    response = Client().get(reverse("education:manage"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not EducationPage.objects.exists()


def test_each_clinics_owner_edits_only_their_own_clinics_pages(world: World) -> None:
    client_for(world.owner_b).post(edit_url(), form(body="Clinic B's words."))
    assert EducationPage.objects.get(topic="what-to-wear").clinic == world.clinic_b
    assert "Clinic B&#x27;s words." not in public(world)
    page = client_for(world.owner_a).get(edit_url()).content.decode()
    assert "Clinic B&#x27;s words." not in page


def test_the_owner_has_an_education_link_in_the_navigation(world: World) -> None:
    manage = reverse("education:manage")
    home = reverse("patients:list")
    assert f'href="{manage}"' in client_for(world.owner_a).get(home).content.decode()
    assert f'href="{manage}"' not in client_for(world.clinician_a).get(home).content.decode()
