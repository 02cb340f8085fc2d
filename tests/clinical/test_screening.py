"""The screening engine: behaviour over the shipped rules, input checking and the output form."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from taut.clinical.anatomy import Limb
from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import Level, Rule
from taut.clinical.records import Side
from taut.clinical.screening import (
    IntakeError,
    Plan,
    Screening,
    read_intake,
    screen,
    validate_facts,
)
from tests.clinical.facts import AS_OF, SAFE

K = load_knowledge()


def run(plan: Plan | None = None, **facts: object) -> Screening:
    return screen({**SAFE, **facts}, as_of=AS_OF, plan=plan)


def codes(screening: Screening) -> set[str]:
    return {f.code for f in screening.findings}


def with_rules(*rules: Rule):
    return dataclasses.replace(K, contraindications=(*K.contraindications, *rules))


def test_safe_answers_leave_no_finding():
    screening = run()
    assert codes(screening) == set()
    assert not screening.blocked and not screening.unanswered


# --- scopes -------------------------------------------------------------------------------------


def test_lymphoedema_limits_the_whole_arm_on_that_side():
    screening = run(lymphoedema_regions=["forearm_volar_l"])
    finding = screening.finding("lymphoedema_limb")
    assert finding is not None and finding.level is Level.LIMIT
    assert set(finding.applies_to) == set(K.limb_regions(Side.LEFT, Limb.ARM))
    assert not any(region.endswith("_r") for region in finding.applies_to)
    assert "chest_l" not in finding.applies_to and "shoulder_top_l" not in finding.applies_to
    assert set(screening.refused_regions) == set(K.limb_regions(Side.LEFT, Limb.ARM))


def test_lymphoedema_of_a_leg_limits_the_whole_leg():
    finding = run(lymphoedema_regions=["calf_r"]).finding("lymphoedema_limb")
    assert finding is not None
    assert set(finding.applies_to) == set(K.limb_regions(Side.RIGHT, Limb.LEG))


def test_lymphoedema_marked_off_the_limbs_limits_the_marked_region_only():
    finding = run(lymphoedema_regions=["chest_l"]).finding("lymphoedema_limb")
    assert finding is not None and finding.applies_to == ("chest_l",)


def test_infection_limits_the_marked_regions_only():
    finding = run(infection_regions=["forearm_volar_l", "sacrum"]).finding("local_skin_problem")
    assert finding is not None and finding.applies_to == ("forearm_volar_l", "sacrum")


def test_pacemaker_refuses_electrical_needling_only():
    screening = run(implanted_electrical_device=True)
    finding = screening.finding("implanted_device_electrical")
    assert finding is not None and finding.level is Level.LIMIT
    assert finding.applies_to == ("electrical",)
    assert screening.refused_techniques == ("electrical",)
    assert screening.refused_regions == () and not screening.blocked


def test_pregnancy_refuses_the_abdomen_and_the_whole_regions_of_its_points():
    screening = run(pregnant=True, pregnancy_trimester=2)
    finding = screening.finding("pregnancy_blocked_sites")
    assert finding is not None and finding.level is Level.LIMIT
    for region in ("abdomen_l", "abdomen_r", "thumb_l", "hand_dorsal_r", "sacrum", "calf_l"):
        assert region in finding.applies_to
    assert "li4" in finding.sites
    assert {"pregnancy", "pregnancy_caution_sites"} <= {f.code for f in screening.precautions}


def test_point_sites_that_spare_the_region_are_a_precaution_not_a_refusal():
    rule = Rule.model_validate(
        {
            "code": "test_points",
            "condition": "test",
            "level": "limit",
            "when": [],
            "scope": {
                "sites": ["nipple", "umbilicus", "external_genitalia", "fontanelles", "orbit"]
            },
            "message": "m",
            "action": "a",
            "source": "NoSource",
            "evidence": "unverified",
        }
    )
    screening = screen(SAFE, as_of=AS_OF, knowledge=with_rules(rule))
    finding = screening.finding("test_points")
    assert finding is not None and finding.level is Level.PRECAUTION
    assert {"chest_l", "chest_r", "perineum", "eye_orbit_l"} <= set(finding.applies_to)
    assert set(finding.sites) == {
        "nipple",
        "umbilicus",
        "external_genitalia",
        "fontanelles",
        "orbit",
    }
    assert "chest_l" not in screening.refused_regions


def test_a_limit_mixing_points_and_regions_splits_off_a_points_precaution():
    rule = Rule.model_validate(
        {
            "code": "test_mixed",
            "condition": "test",
            "level": "limit",
            "when": [{"fact": "diabetes", "op": "eq", "value": True}],
            "scope": {"regions": ["calf"], "sites": ["nipple"], "techniques": ["electrical"]},
            "message": "m",
            "action": "a",
            "source": "NoSource",
            "evidence": "unverified",
        }
    )
    screening = screen({**SAFE, "diabetes": True}, as_of=AS_OF, knowledge=with_rules(rule))
    limit, points = screening.finding("test_mixed"), screening.finding("test_mixed:points")
    assert limit is not None and points is not None
    assert limit.level is Level.LIMIT and limit.applies_to == ("calf_l", "calf_r", "electrical")
    assert points.level is Level.PRECAUTION and points.applies_to == ("chest_l", "chest_r")
    assert points.sites == ("nipple",)


def test_anticoagulants_name_the_deep_noncompressible_muscles_and_their_regions():
    finding = run(anticoagulant=True).finding("anticoagulant")
    assert finding is not None and finding.level is Level.PRECAUTION
    flagged = {m.id for m in K.muscles if m.deep_noncompressible}
    assert set(finding.muscles) == flagged
    for muscle in flagged:
        assert set(K.muscle_regions(muscle, Side.LEFT)) <= set(finding.applies_to)
        assert set(K.muscle_regions(muscle, Side.RIGHT)) <= set(finding.applies_to)


def test_a_contraindication_blocks_everything():
    screening = run(needle_phobia=True)
    assert screening.blocked
    assert [f.code for f in screening.contraindications] == ["needle_phobia"]
    assert screening.contraindications[0].applies_to == "all"


def test_a_protective_fact_blocks_only_when_it_is_false():
    assert run(can_consent=False).blocked
    assert not run(can_consent=True).blocked


def test_uncontrolled_epilepsy_needs_both_facts():
    assert "epilepsy_uncontrolled" in codes(run(epilepsy=True, epilepsy_controlled=False))
    assert "epilepsy_uncontrolled" not in codes(run(epilepsy=True, epilepsy_controlled=True))
    assert "epilepsy_uncontrolled" not in codes(run(epilepsy=False, epilepsy_controlled=False))


def test_a_child_is_a_precaution_below_the_age_in_the_data():
    cut_off = K.rule("child").when[0].value
    assert isinstance(cut_off, int)
    assert "child" in codes(run(age_years=cut_off - 1))
    assert "child" not in codes(run(age_years=cut_off))


# --- unknown facts ------------------------------------------------------------------------------


def test_an_absent_fact_that_can_block_is_reported_unanswered():
    facts = {k: v for k, v in SAFE.items() if k != "needle_phobia"}
    screening = screen(facts, as_of=AS_OF)
    finding = screening.finding("unanswered:needle_phobia")
    assert finding is not None and finding.level is Level.PRECAUTION
    assert finding.applies_to == "all" and finding.rules == ("needle_phobia",)
    assert finding.questions == ("needle_phobia",) and finding.source
    assert screening.unanswered == ("needle_phobia",) and not screening.blocked


def test_null_is_unknown_like_an_absent_fact():
    screening = run(needle_phobia=None)
    assert screening.unanswered == ("needle_phobia",)


def test_an_absent_fact_that_cannot_block_is_not_reported():
    assert run().finding("unanswered:diabetes") is None
    assert "diabetes" not in codes(run())


def test_an_empty_intake_reports_each_blocking_fact_once():
    screening = screen({}, as_of=AS_OF)
    blocking = {
        c.fact
        for rule in K.contraindications
        if rule.level is not Level.PRECAUTION
        for c in rule.when
    }
    assert sorted(screening.unanswered) == sorted(blocking)
    assert len(screening.unanswered) == len(set(screening.unanswered))


def test_an_unknown_device_answer_applies_where_the_device_limit_would():
    finding = run(implanted_electrical_device=None).finding(
        "unanswered:implanted_electrical_device"
    )
    assert finding is not None and finding.applies_to == ("electrical",)


def test_an_unknown_region_list_applies_to_all_since_the_regions_are_unknown():
    finding = run(infection_regions=None).finding("unanswered:infection_regions")
    assert finding is not None and finding.applies_to == "all"


def test_a_question_that_is_not_asked_is_not_reported_unanswered():
    rule = Rule.model_validate(
        {
            "code": "test_uncontrolled",
            "condition": "test",
            "level": "contraindicated",
            "when": [{"fact": "epilepsy_controlled", "op": "eq", "value": False}],
            "scope": {"all": True},
            "message": "m",
            "action": "a",
            "source": "NoSource",
            "evidence": "unverified",
        }
    )
    knowledge = with_rules(rule)
    asked = screen({**SAFE, "epilepsy": True}, as_of=AS_OF, knowledge=knowledge)
    not_asked = screen({**SAFE, "epilepsy": False}, as_of=AS_OF, knowledge=knowledge)
    assert asked.unanswered == ("epilepsy_controlled",)
    assert not_asked.unanswered == ()


# --- plan ---------------------------------------------------------------------------------------


def test_a_limit_outside_the_plan_is_reported_but_not_relevant():
    plan = Plan(regions=("low_back_r",), techniques=("deep",))
    screening = run(plan, lymphoedema_regions=["arm_anterior_l"], implanted_electrical_device=True)
    for code in ("lymphoedema_limb", "implanted_device_electrical"):
        finding = screening.finding(code)
        assert finding is not None and finding.relevant is False


def test_a_limit_inside_the_plan_is_relevant():
    plan = Plan(regions=("thumb_l",), techniques=("electrical",))
    screening = run(plan, lymphoedema_regions=["arm_anterior_l"], implanted_electrical_device=True)
    assert all(f.relevant for f in screening.limits)


def test_contraindications_and_precautions_apply_whatever_the_plan():
    plan = Plan(regions=("calf_r",), techniques=("superficial",))
    screening = run(plan, needle_phobia=True, pregnant=True)
    assert all(f.relevant for f in (*screening.contraindications, *screening.precautions))


def test_a_plan_changes_relevance_only():
    facts = {**SAFE, "pregnant": True, "lymphoedema_regions": ["calf_l"]}
    plain = screen(facts, as_of=AS_OF)
    planned = screen(facts, as_of=AS_OF, plan=Plan(regions=("calf_l",)))
    assert [f.code for f in plain.findings] == [f.code for f in planned.findings]


def test_a_plan_with_unknown_ids_is_an_error():
    with pytest.raises(IntakeError, match=r"plan.regions: .*'calf_x'.*calf_l"):
        run(Plan(regions=("calf_x",)))
    with pytest.raises(IntakeError, match=r"plan.techniques: .*'electric'.*electrical"):
        run(Plan(techniques=("electric",)))


# --- order and output ---------------------------------------------------------------------------


def test_findings_are_ordered_by_level_then_code():
    screening = screen(
        {"pregnant": True, "needle_phobia": True, "anticoagulant": True}, as_of=AS_OF
    )
    order = [Level.CONTRAINDICATED, Level.PRECAUTION, Level.LIMIT]
    keys = [(order.index(f.level), f.code) for f in screening.findings]
    assert keys == sorted(keys)
    assert list(screening.by_level()) == order


def test_the_same_intake_gives_the_same_screening():
    facts = {"pregnant": True, "lymphoedema_regions": ["calf_l", "thumb_r"]}
    assert screen(facts, as_of=AS_OF) == screen(dict(reversed(facts.items())), as_of=AS_OF)


def test_to_json_carries_the_stable_fields():
    screening = run(Plan(regions=("calf_l",)), needle_phobia=True, lymphoedema_regions=["calf_l"])
    data = json.loads(json.dumps(screening.to_json()))
    assert data["as_of"] == "2026-11-22" and data["blocked"] is True
    assert data["plan"] == {"regions": ["calf_l"], "techniques": []}
    for finding in data["findings"]:
        assert {"code", "level", "applies_to", "message", "action", "source", "evidence"} <= set(
            finding
        )
        assert finding["level"] in {"contraindicated", "precaution", "limit"}
        assert finding["applies_to"] == "all" or isinstance(finding["applies_to"], list)
    assert data["findings"][0]["code"] == "needle_phobia"


# --- checking the facts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"pregnancy_trimester": "two"}, "pregnancy_trimester: expected an integer 1-3, got 'two'"),
        ({"pregnancy_trimester": 4}, "pregnancy_trimester: expected an integer 1-3, got 4"),
        ({"age_years": True}, "age_years: expected an integer 0-120, got True"),
        ({"age_years": 41.5}, "age_years: expected an integer 0-120, got 41.5"),
        ({"pregnant": "yes"}, "pregnant: expected true or false, got 'yes'"),
        ({"pregnant": 1}, "pregnant: expected true or false, got 1"),
        (
            {"lymphoedema_regions": "arm_anterior_l"},
            "lymphoedema_regions: expected a list of drawing region ids, got 'arm_anterior_l'",
        ),
    ],
)
def test_a_wrongly_typed_fact_is_an_error_naming_it(facts, message):
    with pytest.raises(IntakeError) as raised:
        screen(facts, as_of=AS_OF)
    assert str(raised.value) == message
    assert raised.value.field == next(iter(facts))


def test_an_unknown_fact_is_an_error_with_close_ids():
    with pytest.raises(IntakeError, match=r"^pregnent: unknown fact 'pregnent' .*pregnant"):
        screen({"pregnent": True}, as_of=AS_OF)


def test_an_unknown_region_is_an_error_with_close_ids():
    with pytest.raises(IntakeError, match=r"^lymphoedema_regions: .*'forearm_volar_left'.*forearm"):
        screen({"lymphoedema_regions": ["forearm_volar_left"]}, as_of=AS_OF)


def test_region_lists_are_deduplicated_in_order():
    facts = validate_facts({"infection_regions": ["calf_l", "sacrum", "calf_l"]}, as_of=AS_OF)
    assert facts["infection_regions"] == ("calf_l", "sacrum")


def test_date_of_birth_gives_the_age_at_as_of():
    eighteenth_birthday = date(AS_OF.year - 18, AS_OF.month, AS_OF.day + 1)
    facts = validate_facts({"date_of_birth": eighteenth_birthday.isoformat()}, as_of=AS_OF)
    assert facts["age_years"] == 17
    assert validate_facts({"date_of_birth": date(2008, 11, 22)}, as_of=AS_OF)["age_years"] == 18


def test_date_of_birth_must_agree_with_age_years():
    with pytest.raises(IntakeError, match=r"^age_years: 40 does not match date_of_birth"):
        screen({"date_of_birth": "1985-01-01", "age_years": 40}, as_of=AS_OF)
    assert validate_facts({"date_of_birth": "1985-01-01", "age_years": 41}, as_of=AS_OF)


@pytest.mark.parametrize("born", ["2027-01-01", "01/02/1985", 1985])
def test_a_bad_date_of_birth_is_an_error(born):
    with pytest.raises(IntakeError, match=r"^date_of_birth: "):
        screen({"date_of_birth": born}, as_of=AS_OF)


# --- the intake file ----------------------------------------------------------------------------


def test_read_intake_gives_date_facts_and_plan():
    intake = read_intake(
        {"as_of": "2026-11-22", "facts": {"pregnant": True}, "plan": {"regions": ["calf_l"]}}
    )
    assert intake.as_of == AS_OF and intake.facts == {"pregnant": True}
    assert intake.plan == Plan(regions=("calf_l",))


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"facts": {}}, "as_of"),
        ({"as_of": "22/11/2026", "facts": {}}, "as_of"),
        ({"as_of": "2026-11-22"}, "facts"),
        ({"as_of": "2026-11-22", "facts": []}, "facts"),
        ({"as_of": "2026-11-22", "facts": {}, "fact": {}}, "fact"),
        ({"as_of": "2026-11-22", "facts": {}, "plan": []}, "plan"),
        ({"as_of": "2026-11-22", "facts": {}, "plan": {"regions": "calf_l"}}, "plan.regions"),
        ({"as_of": "2026-11-22", "facts": {}, "plan": {"muscles": []}}, "plan.muscles"),
        ([], "intake"),
    ],
)
def test_read_intake_names_the_bad_field(document, field):
    with pytest.raises(IntakeError) as raised:
        read_intake(document)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")
