"""The shipped knowledge base is complete and every id it refers to exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from taut.clinical.anatomy import LungRisk
from taut.clinical.integrity import cited_keys, records_of
from taut.clinical.knowledge import DEFAULT_DIRECTORY, UnknownIdError, load_knowledge
from taut.clinical.records import ID_PATTERN, Side

DOMAIN = Path(__file__).resolve().parents[3] / "shared" / "domain"
SNAKE = re.compile(ID_PATTERN)
TECHNIQUES = {"superficial", "deep", "pistoning", "non_trigger_point", "electrical", "periosteal"}
INTAKE_FACTS = {
    "age_years", "needle_phobia", "unwilling", "can_consent", "acute_illness", "under_influence",
    "pregnant", "pregnancy_trimester", "anticoagulant", "bleeding_disorder", "immunocompromised",
    "diabetes", "epilepsy", "epilepsy_controlled", "metal_allergy", "heart_valve",
    "implanted_electrical_device", "lymphoedema_regions", "infection_regions", "implant_regions",
    "tumour_regions", "recent_surgery_regions", "frail",
}  # fmt: skip


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def _vocabulary_ids(section: str) -> list[str]:
    text = (DOMAIN / "vocabulary.md").read_text(encoding="utf-8")
    start = text.index(section)
    return re.findall(r"^\| `([a-z0-9_]+)` \|", text[start:], flags=re.MULTILINE)


def test_it_loads_once_and_caches_the_result():
    assert load_knowledge() is load_knowledge()
    assert load_knowledge(DEFAULT_DIRECTORY) is load_knowledge()


def test_it_has_62_sided_and_6_midline_regions_giving_130_drawing_ids(knowledge):
    sided = [r for r in knowledge.regions if r.sided]
    assert (len(sided), len(knowledge.regions) - len(sided)) == (62, 6)
    assert len({d.id for d in knowledge.drawing_regions}) == 130


@pytest.mark.skipif(not DOMAIN.exists(), reason="shared/domain is not beside the checkout")
def test_regions_and_muscles_match_the_vocabulary(knowledge):
    muscles = _vocabulary_ids("## 4. Muscles")
    regions = [i for i in _vocabulary_ids("## 3. Regions") if i not in muscles]
    assert [r.id for r in knowledge.regions] == regions
    assert [m.id for m in knowledge.muscles] == muscles
    assert len(muscles) == 72


def test_every_id_is_snake_case_and_unique(knowledge):
    for file, label, record in records_of(knowledge):
        value = getattr(record, "code" if file == "contraindications.toml" else "id", None)
        if isinstance(value, str):
            assert SNAKE.match(value), f"{file}: {label}"
    for attribute in ("regions", "muscles", "techniques", "instruments", "conditions", "aftercare"):
        ids = [record.id for record in getattr(knowledge, attribute)]
        assert len(ids) == len(set(ids)), attribute


def test_every_record_cites_a_known_source(knowledge):
    keys = {source.key for source in knowledge.sources}
    for file, label, record in records_of(knowledge):
        cited = list(cited_keys(record))
        assert cited, f"{file}: {label} has no source"
        assert set(cited) <= keys, f"{file}: {label}"


def test_sources_include_every_key_of_the_brief(knowledge):
    brief = DOMAIN / "clinical-brief.md"
    if not brief.exists():
        pytest.skip("shared/domain is not beside the checkout")
    section = brief.read_text(encoding="utf-8").split("## 9. Sources", 1)[1]
    wanted = set()
    for line in re.findall(r"^- (.+?) – ", section, flags=re.MULTILINE):
        wanted.update(key.strip() for key in line.split("/"))
    keys = {source.key for source in knowledge.sources}
    assert wanted - keys == set()
    assert {"TS1", "TS2"} <= keys


def test_every_muscle_has_one_pattern_with_an_essential_zone(knowledge):
    patterns = {p.muscle: p for p in knowledge.referral_patterns}
    assert set(patterns) == {m.id for m in knowledge.muscles}
    assert all(p.essential for p in patterns.values())


def test_pattern_zones_and_muscle_regions_are_known_regions(knowledge):
    regions = {r.id for r in knowledge.regions}
    for p in knowledge.referral_patterns:
        assert {*p.essential, *p.spillover, *p.trp_site} <= regions, p.muscle
        assert set(p.trp_site) <= set(knowledge.muscle(p.muscle).overlies), p.muscle


def test_every_referenced_id_exists(knowledge):
    regions = {r.id for r in knowledge.regions}
    muscles = {m.id for m in knowledge.muscles}
    instruments = {i.id for i in knowledge.instruments}
    techniques = {t.id for t in knowledge.techniques}
    facts = {q.id for q in knowledge.intake_questions}
    sites = {s.id for s in knowledge.sites}
    for condition in knowledge.conditions:
        assert set(condition.muscles) <= muscles, condition.id
        assert set(condition.regions) <= regions, condition.id
        assert set(condition.instruments) <= instruments, condition.id
        assert set(condition.techniques) <= techniques, condition.id
    for rule in knowledge.contraindications:
        assert {c.fact for c in rule.when} | set(rule.questions) <= facts, rule.code
        assert set(rule.scope.regions) <= regions and set(rule.scope.sites) <= sites, rule.code
        assert set(rule.scope.techniques) <= techniques, rule.code
    for site in knowledge.sites:
        assert set(site.regions) <= regions, site.id
    events = {e.id for e in knowledge.adverse_events}
    assert {r.event for r in knowledge.reference_rates} <= events


def test_thorax_muscles_carry_a_lung_risk(knowledge):
    for muscle in knowledge.muscles:
        if muscle.thorax:
            assert muscle.lung_risk is not LungRisk.NONE, muscle.id


def test_the_brief_depth_figures_are_on_the_muscles(knowledge):
    trapezius = knowledge.muscle("upper_trapezius").lung
    assert (trapezius.figures[0].min_mm, trapezius.figures[0].max_mm) == (46.7, 53.5)
    rhomboid_windows = [f for f in knowledge.muscle("rhomboids").lung.figures if "safe" in f.label]
    assert [(f.min_mm, f.max_mm) for f in rhomboid_windows] == [(14, 17), (21, 22)]
    femoral = knowledge.muscle("iliopsoas").neurovascular[0]
    assert [f.min_mm for f in femoral.figures] == [32.1, 35.7]
    assert knowledge.muscle("thoracolumbar_multifidi").neurovascular[0].source == ("Williams23",)


def test_flags_mark_the_muscles_the_warnings_need(knowledge):
    def flagged(flag: str) -> set[str]:
        return {m.id for m in knowledge.muscles if getattr(m, flag)}

    assert {"suboccipitals", "sternocleidomastoid", "temporalis"} <= flagged("head_neck")
    assert {"rhomboids", "serratus_anterior", "upper_trapezius"} <= flagged("thorax")
    assert {
        "iliopsoas", "quadratus_lumborum", "piriformis", "thoracolumbar_multifidi",
        "subscapularis", "tibialis_posterior", "lateral_pterygoid",
    } <= flagged("deep_noncompressible")  # fmt: skip


def test_techniques_and_intake_facts_use_the_published_ids(knowledge):
    assert {t.id for t in knowledge.techniques} == TECHNIQUES
    assert {q.id for q in knowledge.intake_questions} == INTAKE_FACTS


def test_every_toml_file_is_loaded():
    """Each data file is read by the loader, or by the one rule module that owns it."""
    from taut.clinical.billing import load_billing

    loaded = set(load_knowledge().counts())
    assert load_billing().codes  # billing.toml belongs to taut.clinical.billing
    loaded.add("billing.toml")
    from taut.clinical.education import load_education

    assert load_education().topics  # education.toml belongs to taut.clinical.education
    loaded.add("education.toml")
    from taut.clinical.diary import load_diary

    assert load_diary().red_flags  # diary.toml belongs to taut.clinical.diary
    loaded.add("diary.toml")
    from taut.clinical.timed_codes import load_timed_codes

    assert load_timed_codes().services  # timed_codes.toml belongs to taut.clinical.timed_codes
    loaded.add("timed_codes.toml")
    from taut.clinical.exam import load_exam

    assert load_exam().roots  # exam.toml belongs to taut.clinical.exam
    loaded.add("exam.toml")
    from taut.clinical.targets import load_targets

    assert load_targets().targets  # targets.toml belongs to taut.clinical.targets
    loaded.add("targets.toml")
    assert {path.name for path in DEFAULT_DIRECTORY.glob("*.toml")} == loaded


def test_every_file_states_its_format_at_the_top():
    for path in DEFAULT_DIRECTORY.glob("*.toml"):
        assert path.read_text(encoding="utf-8").startswith("#"), path.name
        tomllib.loads(path.read_text(encoding="utf-8"))


def test_split_drawing_region_separates_base_and_side(knowledge):
    assert knowledge.split_drawing_region("temple_l") == ("temple", Side.LEFT)
    assert knowledge.split_drawing_region("fingers_2_3_r") == ("fingers_2_3", Side.RIGHT)
    assert knowledge.split_drawing_region("sacrum") == ("sacrum", None)


def test_no_sided_base_id_ends_like_a_side_suffix(knowledge):
    assert not [r.id for r in knowledge.regions if r.id.endswith(("_l", "_r"))]


def test_limb_regions_cover_the_whole_arm_on_one_side(knowledge):
    from taut.clinical.anatomy import Limb

    arm = knowledge.limb_regions(Side.LEFT, Limb.ARM)
    assert {"arm_anterior_l", "forearm_volar_l", "thumb_l", "axilla_l"} <= set(arm)
    assert all(region.endswith("_l") for region in arm)
    leg = knowledge.limb_regions(Side.RIGHT, Limb.LEG)
    assert {"thigh_posterior_r", "calf_r", "heel_r", "toe_big_r"} <= set(leg)
    assert not set(arm) & set(leg)


def test_muscle_regions_map_a_muscle_side_to_drawing_ids(knowledge):
    assert knowledge.muscle_regions("upper_trapezius", Side.RIGHT) == (
        "shoulder_top_r",
        "neck_posterior_r",
    )


def test_unknown_lookups_name_close_ids(knowledge):
    with pytest.raises(UnknownIdError, match="infraspinatus"):
        knowledge.muscle("infraspinatis")
