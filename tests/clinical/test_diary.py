"""The symptom diary's data and rules: when to ask, what answers report, what to do now."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from taut.clinical.diary import (
    DiaryAnswers,
    DiaryError,
    assess,
    diary_open,
    load_diary,
    prompt_schedule,
)
from taut.clinical.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge
from taut.clinical.practice import AftercareKind, Urgency

D = load_diary()
K = load_knowledge()
START = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
ISSUE_RED_FLAGS = {
    "breathless",
    "chest_pain",
    "fast_breathing",
    "dry_cough",
    "spreading_weakness",
    "fever",
    "hot_red_swelling",
}


# --- the data ------------------------------------------------------------------------------------


def test_the_patient_is_asked_at_24_48_and_72_hours() -> None:
    assert D.schedule.hours == (24, 48, 72)
    assert D.schedule.open_days * 24 >= 72


def test_every_red_flag_of_the_issue_is_asked() -> None:
    assert {flag.id for flag in D.red_flags} == ISSUE_RED_FLAGS


def test_breathing_problems_and_chest_pain_send_the_patient_to_the_emergency_services() -> None:
    for flag_id in ("breathless", "chest_pain", "fast_breathing"):
        flag = D.red_flag(flag_id)
        assert flag.urgency is Urgency.EMERGENCY
        assert "emergency services" in flag.action and "911" in flag.action
        assert flag.event == "pneumothorax"


def test_spreading_numbness_and_infection_signs_mean_help_today_not_an_ambulance() -> None:
    for flag_id in ("spreading_weakness", "fever", "hot_red_swelling"):
        flag = D.red_flag(flag_id)
        assert flag.urgency is Urgency.URGENT
        assert "today" in flag.action
    assert D.red_flag("fever").event == "infection"
    assert D.red_flag("hot_red_swelling").event == "infection"


def test_each_red_flag_agrees_with_the_aftercare_sheet_it_restates() -> None:
    aftercare = {item.id: item for item in K.aftercare}
    for flag in D.red_flags:
        assert flag.aftercare is not None, flag.id
        item = aftercare[flag.aftercare]
        assert item.kind is AftercareKind.RED_FLAG
        assert item.urgency is flag.urgency, flag.id


def test_every_record_cites_known_sources_and_names_loggable_events() -> None:
    sources = {s.key for s in K.sources}
    events = {e.id for e in K.adverse_events if not e.aggregate}
    records = [D.schedule, D.soreness, D.other, D.notice, *D.symptoms, *D.grades, *D.red_flags]
    for record in records:
        assert set(record.source) <= sources
    named = [D.soreness.event, D.other.event]
    named += [symptom.event for symptom in D.symptoms] + [flag.event for flag in D.red_flags]
    assert set(named) <= events


def test_the_graded_questions_are_bruising_drowsiness_and_fatigue() -> None:
    assert [s.id for s in D.symptoms] == ["bruising", "drowsiness", "fatigue"]
    assert [g.id for g in D.grades] == ["none", "mild", "moderate", "severe"]
    assert D.none_grade.severity is None


# --- broken data fails loudly --------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "diary.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('event = "infection"', 'event = "infektion"', ("red_flag 'fever'", "infektion")),
        ('source = "Xu13"', 'source = "Xu14"', ("red_flag 'fever'", "unknown source 'Xu14'")),
        ('aftercare = "infection"', 'aftercare = "soreness"', ("not a red flag",)),
        (
            'id = "fever"\ntext = "A fever (feeling hot and shivery)"\nurgency = "urgent"',
            'id = "fever"\ntext = "A fever (feeling hot and shivery)"\nurgency = "emergency"',
            ("contradicts 'infection'",),
        ),
        ("hours = [24, 48, 72]", "hours = [48, 24, 72]", ("schedule", "increasing")),
        ('[[red_flag]]\nid = "breathless"', '[[red_flags]]\nid = "breathless"', ("red_flags",)),
        ('event = "pain_after"', 'event = "any_mild"', ("soreness", "aggregate")),
    ],
)
def test_a_broken_diary_file_names_the_record_and_the_reason(
    tmp_path: Path, old: str, new: str, expected: tuple[str, ...]
) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_diary(broken(tmp_path, old, new))
    message = str(caught.value)
    assert message.startswith("diary.toml: ")
    for part in expected:
        assert part in message


# --- when to ask ---------------------------------------------------------------------------------


def test_prompts_fall_24_48_and_72_hours_after_the_session_started() -> None:
    times = prompt_schedule(
        started_at=START, signed_at=START + dt.timedelta(minutes=40), hours=(24, 48, 72)
    )
    assert [(t.hours, t.due_at - START) for t in times] == [
        (24, dt.timedelta(hours=24)),
        (48, dt.timedelta(hours=48)),
        (72, dt.timedelta(hours=72)),
    ]


def test_a_note_signed_late_asks_the_latest_past_prompt_at_once_and_drops_the_stale_ones() -> None:
    signed = START + dt.timedelta(hours=50)
    times = prompt_schedule(started_at=START, signed_at=signed, hours=(24, 48, 72))
    assert [(t.hours, t.due_at) for t in times] == [
        (48, signed),
        (72, START + dt.timedelta(hours=72)),
    ]
    very_late = START + dt.timedelta(days=5)
    assert [
        t.hours for t in prompt_schedule(started_at=START, signed_at=very_late, hours=[24, 48, 72])
    ] == [72]


def test_naive_or_reversed_times_are_refused() -> None:
    with pytest.raises(DiaryError, match="aware"):
        prompt_schedule(started_at=START.replace(tzinfo=None), signed_at=START, hours=(24,))
    with pytest.raises(DiaryError, match="before it started"):
        prompt_schedule(started_at=START, signed_at=START - dt.timedelta(hours=1), hours=(24,))


def test_the_diary_stays_open_for_the_configured_days() -> None:
    assert diary_open(started_at=START, now=START + dt.timedelta(days=14), open_days=14)
    assert not diary_open(
        started_at=START, now=START + dt.timedelta(days=14, seconds=1), open_days=14
    )
    assert not diary_open(started_at=START, now=START - dt.timedelta(seconds=1), open_days=14)


# --- what the answers mean -----------------------------------------------------------------------


def test_no_soreness_and_no_symptoms_report_nothing() -> None:
    result = assess(DiaryAnswers(soreness=0))
    assert result.events == () and result.advice == () and not result.emergency


def test_soreness_and_graded_symptoms_become_patient_reported_events() -> None:
    result = assess(
        DiaryAnswers(
            soreness=4,
            grades={"bruising": "mild", "drowsiness": "none", "fatigue": "severe"},
            other="A bit of a headache",
        )
    )
    assert [(e.event, e.severity) for e in result.events] == [
        ("pain_after", "mild"),
        ("bruising", "mild"),
        ("fatigue", "significant"),
        ("other", "mild"),
    ]
    assert result.events[0].because == "soreness 4/10"


def test_red_flags_log_their_event_once_and_put_the_emergency_advice_first() -> None:
    result = assess(
        DiaryAnswers(
            soreness=2, red_flags=("fever", "chest_pain", "breathless", "hot_red_swelling")
        )
    )
    assert result.emergency
    assert [a.urgency for a in result.advice] == [Urgency.EMERGENCY, Urgency.URGENT]
    assert [f.id for f in result.advice[0].flags] == ["breathless", "chest_pain"]
    assert [f.id for f in result.advice[1].flags] == ["fever", "hot_red_swelling"]
    events = {e.event: e for e in result.events}
    assert events["pneumothorax"].severity == "significant"
    assert events["pneumothorax"].because == "red flag: breathless; red flag: chest_pain"
    assert events["infection"].severity == "significant"
    assert [e.event for e in result.events].count("pneumothorax") == 1


def test_an_event_reported_twice_keeps_the_worse_severity() -> None:
    result = assess(DiaryAnswers(soreness=0, grades={"bruising": "mild"}, red_flags=()))
    assert [(e.event, e.severity) for e in result.events] == [("bruising", "mild")]
    numb = assess(DiaryAnswers(soreness=0, red_flags=("spreading_weakness",)))
    assert [(e.event, e.severity) for e in numb.events] == [("numbness", "significant")]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (DiaryAnswers(soreness=11), "soreness"),
        (DiaryAnswers(soreness=-1), "soreness"),
        (DiaryAnswers(soreness=3, grades={"itching": "mild"}), "grades"),
        (DiaryAnswers(soreness=3, grades={"bruising": "awful"}), "grades"),
        (DiaryAnswers(soreness=3, red_flags=("headache",)), "red_flags"),
    ],
)
def test_answers_outside_the_questions_are_refused(answers: DiaryAnswers, field: str) -> None:
    with pytest.raises(DiaryError) as caught:
        assess(answers)
    assert caught.value.field == field
