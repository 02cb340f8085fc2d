"""Clinical content the other engines rely on is present, with its evidence grade."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from taut.clinical.knowledge import load_knowledge
from taut.clinical.measures import Method, Severity
from taut.clinical.practice import AftercareKind, Expansion, Level, QuestionType, Status, Urgency
from taut.clinical.records import Evidence


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


# --- contraindications ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("needle_phobia", Level.CONTRAINDICATED),
        ("cannot_consent", Level.CONTRAINDICATED),
        ("acute_illness", Level.CONTRAINDICATED),
        ("lymphoedema_limb", Level.LIMIT),
        ("implanted_device_electrical", Level.LIMIT),
        ("anticoagulant", Level.PRECAUTION),
        ("pregnancy", Level.PRECAUTION),
        ("pregnancy_blocked_sites", Level.LIMIT),
        ("epilepsy", Level.PRECAUTION),
    ],
)
def test_rules_carry_the_level_of_the_brief(knowledge, code, level):
    assert knowledge.rule(code).level is level


def test_lymphoedema_limits_the_whole_limb(knowledge):
    scope = knowledge.rule("lymphoedema_limb").scope
    assert (scope.region_fact, scope.expand) == ("lymphoedema_regions", Expansion.LIMB)


def test_an_implanted_device_refuses_only_electrical_needling(knowledge):
    scope = knowledge.rule("implanted_device_electrical").scope
    assert scope.techniques == ("electrical",)
    assert not scope.all and not scope.regions


def test_anticoagulants_concern_the_deep_noncompressible_muscles(knowledge):
    rule = knowledge.rule("anticoagulant")
    assert rule.scope.muscle_flag == "deep_noncompressible"
    assert "No INR threshold" in rule.action


def test_pregnancy_blocks_the_listed_points_as_regions(knowledge):
    rule = knowledge.rule("pregnancy_blocked_sites")
    regions = set(rule.scope.regions)
    for site_id in rule.scope.sites:
        site = knowledge.site(site_id)
        assert site.whole_region
        regions.update(site.regions)
    assert {"abdomen", "sacrum", "thumb", "foot_dorsum", "toes_lesser"} <= regions
    caution = knowledge.rule("pregnancy_caution_sites").scope
    assert "electrical" in caution.techniques and "low_back" in caution.regions


def test_uncontrolled_epilepsy_needs_both_facts(knowledge):
    described = [c.describe() for c in knowledge.rule("epilepsy_uncontrolled").when]
    assert described == ["epilepsy == true", "epilepsy_controlled == false"]


def test_rows_without_a_guideline_are_kept_and_marked_unverified(knowledge):
    for code in ("recent_surgery_site", "under_influence", "epilepsy_uncontrolled", "child"):
        assert knowledge.rule(code).evidence is Evidence.UNVERIFIED
    notes = {note.code: note for note in knowledge.contraindication_notes}
    assert "no INR number" in notes["inr_threshold"].reason
    assert notes["prosthetic_joint"].evidence is Evidence.UNVERIFIED


def test_every_region_list_fact_drives_a_rule(knowledge):
    region_facts = {q.id for q in knowledge.intake_questions if q.type is QuestionType.REGION_LIST}
    used = {r.scope.region_fact for r in knowledge.contraindications}
    assert region_facts <= used


def test_conditional_questions_show_only_when_relevant(knowledge):
    assert knowledge.question("pregnancy_trimester").show_if.describe() == "pregnant == true"
    assert knowledge.question("epilepsy_controlled").show_if.describe() == "epilepsy == true"


# --- instruments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "items", "low", "high"),
    [
        ("dash", 30, 1, 5),
        ("quickdash", 11, 1, 5),
        ("ndi", 10, 0, 5),
        ("odi", 10, 0, 5),
        ("lefs", 20, 0, 4),
        ("nprs", 1, 0, 10),
    ],
)
def test_item_coding_follows_the_published_scales(knowledge, instrument, items, low, high):
    found = knowledge.instrument(instrument)
    assert (found.item_count, found.response_min, found.response_max) == (items, low, high)


def test_hit6_sums_its_response_points(knowledge):
    hit6 = knowledge.instrument("hit6")
    assert hit6.response_values == (6, 8, 10, 11, 13)
    assert (hit6.min, hit6.max) == (6 * 6, 6 * 13)
    assert [band.min for band in hit6.bands] == [36, 50, 56, 60]


def test_kujala_items_add_up_to_100(knowledge):
    kujala = knowledge.instrument("kujala")
    assert sum(max(item.values) for item in kujala.items) == kujala.max == 100
    assert all(min(item.values) == 0 for item in kujala.items)


def test_missing_item_rules(knowledge):
    assert knowledge.instrument("dash").scoring.max_missing == 3
    assert knowledge.instrument("quickdash").scoring.max_missing == 1
    assert knowledge.instrument("dash").scoring.method is Method.DASH
    assert knowledge.instrument("ndi").scoring.method is Method.PERCENT_OF_ANSWERED
    assert knowledge.instrument("psfs").scoring.method is Method.MEAN


def test_mcids_cite_their_population(knowledge):
    nprs = {(m.value, m.source) for m in knowledge.instrument("nprs").mcids}
    assert {(2, ("Ostelo08",)), (1.3, ("Cleland08",)), (1.16, ("Piva09",))} <= nprs
    quoted_ndi = [m for m in knowledge.instrument("ndi").mcids if m.value == 10]
    assert quoted_ndi[0].evidence is Evidence.UNVERIFIED
    assert knowledge.instrument("ppt").mcids == ()


# --- adverse events ------------------------------------------------------------------------------


def test_computed_numerators_reproduce_the_reported_percentage(knowledge):
    for rate in knowledge.reference_rates:
        if not rate.numerator_computed:
            continue
        reported = re.match(r"([\d.]+)%", rate.reported)
        assert reported, rate.id
        decimals = len(reported.group(1).partition(".")[2])
        assert round(100 * rate.rate, decimals) == float(reported.group(1)), rate.id


def test_reference_denominators_match_the_studies(knowledge):
    denominators = {rate.source[0]: rate.denominator for rate in knowledge.reference_rates}
    assert denominators["Brady14"] == 7629
    assert denominators["Boyce20"] == 20464
    assert denominators["White01"] == 31822


def test_consent_template_figures_are_labelled_and_judged(knowledge):
    assert knowledge.quoted_figures
    for figure in knowledge.quoted_figures:
        assert figure.source[0] == "ConsentTpl" and figure.verdict


def test_severity_scheme_has_three_classes(knowledge):
    assert [s.id for s in knowledge.severities] == list(Severity)
    assert knowledge.adverse_event("pneumothorax").typical_severity is Severity.SERIOUS


# --- techniques, aftercare, jurisdictions --------------------------------------------------------


def test_depth_follows_the_meta_analysis_definition(knowledge):
    assert knowledge.technique("superficial").depth.max_mm == 10
    assert knowledge.technique("deep").depth.min_mm == 10
    assert knowledge.technique("deep").local_twitch
    assert knowledge.technique("periosteal").depth.to_bone


def test_unconfirmed_needle_and_stimulation_figures_are_unverified(knowledge):
    gauge, length = knowledge.needle_parameters
    assert (gauge.min, gauge.max, length.min, length.max) == (0.16, 0.30, 15, 75)
    assert gauge.evidence is length.evidence is Evidence.UNVERIFIED
    electrical = {p.id: p for p in knowledge.technique("electrical").parameters}
    assert electrical["frequency"].evidence is Evidence.UNVERIFIED
    assert electrical["duration"].max == 20


def test_a_suspected_pneumothorax_sends_the_patient_to_emergency_care(knowledge):
    flags = {item.id: item for item in knowledge.aftercare if item.kind is AftercareKind.RED_FLAG}
    assert flags["pneumothorax"].urgency is Urgency.EMERGENCY
    assert "thorax" in flags["pneumothorax"].applies_when


@pytest.mark.parametrize(
    ("code", "status"),
    [("CA", Status.NOT_PERMITTED), ("NY", Status.NOT_PERMITTED), ("PA", Status.SILENT),
     ("FL", Status.PERMITTED), ("TX", Status.PERMITTED)],
)  # fmt: skip
def test_us_status_for_physical_therapists(knowledge, code, status):
    rule = knowledge.jurisdiction_for("US", code).rule_on("physical_therapist", dt.date(2026, 6, 1))
    assert rule is not None and rule.status is status


def test_colorado_rule_changes_with_the_date(knowledge):
    colorado = knowledge.jurisdiction_for("US", "CO")
    older = colorado.rule_on("physical_therapist", dt.date(2025, 6, 1))
    current = colorado.rule_on("physical_therapist", dt.date(2026, 6, 1))
    assert (older.in_person_hours, older.years_licensed, older.written_consent) == (46, 2, True)
    assert current.training_hours == 50


def test_jurisdictions_tell_clinics_to_confirm_with_their_regulator(knowledge):
    assert "confirm with your own regulator" in knowledge.confirm_notice


def test_safe_depths_are_published_limits_not_taut_figures(knowledge):
    limited = {m.id: m.safe_depth for m in knowledge.muscles if m.safe_depth is not None}
    assert limited, "at least the rhomboids carry Valera's advised maximum"
    for muscle, limit in limited.items():
        assert not {"TautDesign", "NoSource"} & set(limit.source), muscle
        assert limit.evidence is Evidence.VERIFIED, muscle
    assert limited["rhomboids"].max_mm == 19 and limited["rhomboids"].source == ("Valera",)
