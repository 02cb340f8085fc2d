from __future__ import annotations

from django.urls import reverse

from taut.screening.models import Intake
from tests.conftest import World, client_for


def _post_intake(client, url: str, **answers: object):  # type: ignore[no-untyped-def]
    return client.post(url, {f"fact_{k}": v for k, v in answers.items()})


def test_a_trimester_is_dropped_when_the_patient_is_not_pregnant(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    _post_intake(client_for(world.frontdesk_a), url, pregnant="no", pregnancy_trimester=2)
    assert Intake.objects.get().facts == {"pregnant": False}


def test_the_desk_records_answers_typed_as_the_engine_reads_them(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    _post_intake(
        client_for(world.frontdesk_a),
        url,
        pregnant="yes",
        pregnancy_trimester=1,
        lymphoedema_regions=["arm_anterior_l"],
        anticoagulant="",
    )
    intake = Intake.objects.get()
    assert intake.facts == {
        "pregnant": True,
        "pregnancy_trimester": 1,
        "lymphoedema_regions": ["arm_anterior_l"],
    }
    assert intake.channel == "desk"


def test_an_out_of_range_answer_is_named_and_nothing_is_stored(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    response = _post_intake(
        client_for(world.frontdesk_a),
        url,
        pregnant="yes",
        pregnancy_trimester=7,
        lymphoedema_regions=["nowhere_x"],
    )
    form = response.context["form"]
    assert "fact_pregnancy_trimester" in form.errors
    assert "fact_lymphoedema_regions" in form.errors
    assert not Intake.objects.exists()


def test_the_portal_asks_only_the_patients_questions(world: World) -> None:
    portal = client_for(world.portal_user_a).get(reverse("portal:intake"))
    desk = client_for(world.frontdesk_a).get(
        reverse("screening:intake", args=[world.patient_a.public_id])
    )
    assert "fact_can_consent" in desk.content.decode()  # a clinician's judgement
    assert "fact_can_consent" not in portal.content.decode()


def test_the_clinician_screens_and_sees_findings_grouped_with_sources(world: World) -> None:
    _post_intake(client_for(world.portal_user_a), reverse("portal:intake"), anticoagulant="yes")
    client = client_for(world.clinician_a)
    client.post(reverse("screening:run", args=[world.patient_a.public_id]))
    page = client.get(reverse("screening:view", args=[world.patient_a.public_id])).content.decode()
    assert "Precautions — acknowledge before needling" in page
    assert "Not ready to needle" in page
    assert "Pain Res Manag" in page  # the anticoagulant rule's source (Munoz 2022)


def test_front_desk_may_take_an_intake_but_not_screen(world: World) -> None:
    response = client_for(world.frontdesk_a).post(
        reverse("screening:run", args=[world.patient_a.public_id])
    )
    assert response.status_code == 403


def test_none_answers_a_body_chart_question_and_screening_stops_asking_it(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    _post_intake(client_for(world.frontdesk_a), url, lymphoedema_regions=["none"])
    assert Intake.objects.get().facts == {"lymphoedema_regions": []}
    page = client_for(world.clinician_a).get(url).content.decode()
    # shown again (to the clinician) as answered "None"
    assert 'value="none" id="id_fact_lymphoedema_regions_0" checked' in page


def test_none_and_areas_together_are_refused_naming_the_question(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    response = _post_intake(
        client_for(world.frontdesk_a), url, lymphoedema_regions=["none", "arm_anterior_l"]
    )
    assert "not both" in str(response.context["form"].errors["fact_lymphoedema_regions"])
    assert not Intake.objects.exists()


def test_a_finding_names_the_regions_and_techniques_it_applies_to_never_their_ids(
    world: World,
) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    _post_intake(
        client_for(world.frontdesk_a),
        url,
        lymphoedema_regions=["arm_anterior_l"],
        implanted_electrical_device="yes",
    )
    client = client_for(world.clinician_a)
    client.post(reverse("screening:run", args=[world.patient_a.public_id]))
    page = client.get(reverse("screening:view", args=[world.patient_a.public_id])).content.decode()
    assert "Left front of the upper arm over biceps, with the crease of the elbow" in page
    assert "Electrical dry needling" in page
    applies = [line for line in page.splitlines() if "Applies to:" in line]
    assert applies and not [line for line in applies if "_l" in line or "electrical," in line]


def test_body_area_questions_are_ticked_not_ctrl_clicked(world: World) -> None:
    url = reverse("screening:intake", args=[world.patient_a.public_id])
    _post_intake(client_for(world.frontdesk_a), url, lymphoedema_regions=["arm_anterior_l"])
    page = client_for(world.clinician_a).get(url).content.decode()
    assert "Ctrl" not in page and "⌘" not in page and "<select multiple" not in page
    assert 'type="checkbox" name="fact_lymphoedema_regions" value="arm_anterior_l"' in page
    assert '<details class="region-group" open><summary>Upper Arm (1 ticked)</summary>' in page
