"""Scheduling rules: appointment types, free slots, booking refusals, cancellations, follow-ups.

    slots = free_slots(
        day=date(2026, 3, 9), zone=ZoneInfo("Europe/London"), appointment=DEFAULT_TYPES[0],
        hours=hours, breaks=breaks, time_off=time_off, busy=busy, now=now,
    )
    booking_refusals(appointment_type=t, patient_established=False, consent_current=True,
                     slot_is_free=True)            # plain sentences; empty means bookable
    classify_cancellation(appointment_start=s, cancelled_at=c, arrived=False, as_of=now)
    propose_follow_ups(first=s, sessions=4, per_week=2, zone=zone, hours=hours)

What clinics say about visits (shared/seeds): an initial evaluation takes 30-60 minutes, a
dry-needling visit 10-15 minutes for an established patient, a course is 2-6 sessions, once or
twice a week. Those figures are the bounds below.

Time: working hours and breaks are wall-clock times in the clinic's zone; every instant that goes
in or comes out is an aware datetime. All arithmetic and comparison is done in UTC, because
Python compares and adds datetimes that share a tzinfo by their wall-clock reading, which is wrong
across a DST change. A wall-clock time that does not exist (the spring gap) is read with the
offset before the change, so it lands just after the gap; an ambiguous one (the autumn repeat)
means its first occurrence. There is no clock here: callers pass `now` / `as_of`.

Intervals are half-open, [start, end): a visit ending at 10:00 does not overlap one starting at
10:00. `overlaps` is the rule the database exclusion constraint mirrors (tstzrange '[)' &&).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from taut.clinical.wording import with_article

UTC = dt.UTC
MIN_SESSIONS, MAX_SESSIONS = 1, 12  # a proposal outside this is refused
PER_WEEK = (1, 2)  # dry needling is done once or twice a week (seeds/003)
MIN_DAYS_APART = {1: 7, 2: 2}  # per_week -> the least number of days between two sessions


class SchedulingError(ValueError):
    """A scheduling input that cannot be used; `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


# --- appointment types --------------------------------------------------------------------------


def kind_name(kind: str) -> str:
    """A kind as words: "initial evaluation" (the label the appointment-type form shows too)."""
    return str(kind).replace("_", " ")


class AppointmentKind(StrEnum):
    INITIAL_EVALUATION = "initial_evaluation"
    DRY_NEEDLING = "dry_needling"
    FOLLOW_UP = "follow_up"
    COMBINED = "combined"  # evaluation and first needling in one visit


# Allowed length in minutes per kind, inclusive. Initial evaluation 30-60 and dry-needling visit
# 10-15 are the clinics' figures (seeds); follow-up/reassessment and combined are Taut's choice.
KIND_MINUTES: dict[AppointmentKind, tuple[int, int]] = {
    AppointmentKind.INITIAL_EVALUATION: (30, 60),
    AppointmentKind.DRY_NEEDLING: (10, 15),
    AppointmentKind.FOLLOW_UP: (15, 60),
    AppointmentKind.COMBINED: (30, 60),
}
MAX_BUFFER_MINUTES = 60


@dataclass(frozen=True)
class AppointmentType:
    kind: AppointmentKind
    name: str
    minutes: int
    buffer_minutes: int = 0  # time kept free after the visit (notes, room turnover)
    requires_established: bool = False  # only for patients who have had an evaluation
    requires_consent: bool = False  # only with a current consent to dry needling

    def __post_init__(self) -> None:
        low, high = KIND_MINUTES[AppointmentKind(self.kind)]
        if not self.name.strip():
            raise SchedulingError("name", "an appointment type needs a name")
        if not low <= self.minutes <= high:
            raise SchedulingError(
                "minutes",
                f"{with_article(kind_name(self.kind))} visit lasts {low}-{high} minutes, "
                f"not {self.minutes}",
            )
        if not 0 <= self.buffer_minutes <= MAX_BUFFER_MINUTES:
            raise SchedulingError(
                "buffer_minutes", f"the buffer must be 0-{MAX_BUFFER_MINUTES} minutes"
            )

    @property
    def blocked(self) -> dt.timedelta:
        """How long a booking of this type keeps the practitioner: the visit and its buffer."""
        return dt.timedelta(minutes=self.minutes + self.buffer_minutes)


DEFAULT_TYPES: tuple[AppointmentType, ...] = (
    AppointmentType(AppointmentKind.INITIAL_EVALUATION, "Initial evaluation", 45),
    AppointmentType(
        AppointmentKind.DRY_NEEDLING,
        "Dry-needling visit",
        15,
        requires_established=True,
        requires_consent=True,
    ),
    AppointmentType(AppointmentKind.FOLLOW_UP, "Follow-up / reassessment", 30),
    # Needling happens in the combined visit too, so it needs consent (signed at the desk).
    AppointmentType(
        AppointmentKind.COMBINED, "Evaluation and dry needling", 45, requires_consent=True
    ),
)


# --- availability -------------------------------------------------------------------------------


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise SchedulingError(field, "must be an aware datetime")
    return value


def _utc(value: dt.datetime, field: str) -> dt.datetime:
    return _aware(value, field).astimezone(UTC)


def _weekday(value: int) -> None:
    if not 0 <= value <= 6:
        raise SchedulingError("weekday", f"must be 0 (Monday) to 6 (Sunday), not {value}")


def _ordered(in_order: bool, what: str) -> None:
    if not in_order:
        raise SchedulingError("end", f"{what} must end after it starts")


@dataclass(frozen=True)
class WorkingHours:
    """The practitioner works [start, end) local time on this weekday (0 = Monday) here."""

    weekday: int
    start: dt.time
    end: dt.time
    location: str

    def __post_init__(self) -> None:
        _weekday(self.weekday)
        _ordered(self.start < self.end, "working hours")
        if not self.location.strip():
            raise SchedulingError("location", "working hours need a location")


@dataclass(frozen=True)
class Break:
    """A weekly break, [start, end) local time on this weekday, at every location."""

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        _weekday(self.weekday)
        _ordered(self.start < self.end, "a break")


@dataclass(frozen=True)
class TimeOff:
    """Leave, a course, a closed clinic: [start, end), any length."""

    start: dt.datetime
    end: dt.datetime
    reason: str = ""

    def __post_init__(self) -> None:
        _ordered(_utc(self.start, "start") < _utc(self.end, "end"), "time off")


@dataclass(frozen=True)
class Busy:
    """An existing booking, [start, end), its buffer included."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        _ordered(_utc(self.start, "start") < _utc(self.end, "end"), "a booking")


@dataclass(frozen=True)
class Slot:
    """A bookable start. The visit is [start, end); the booking keeps [start, blocked_until)."""

    start: dt.datetime
    end: dt.datetime
    blocked_until: dt.datetime
    location: str


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Do [a_start, a_end) and [b_start, b_end) share an instant? Touching ends do not."""
    a0, a1, b0, b1 = (
        _aware(v, f).astimezone(UTC)
        for v, f in ((a_start, "a_start"), (a_end, "a_end"), (b_start, "b_start"), (b_end, "b_end"))
    )
    _ordered(a0 < a1, "interval a")
    _ordered(b0 < b1, "interval b")
    return a0 < b1 and b0 < a1


def local_instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The wall-clock `time` on `day` in `zone`, as a real instant shown in `zone`.

    A time in the spring gap lands just after it (02:30 -> 03:30); an ambiguous one in the
    autumn repeat is its first occurrence."""
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def free_slots(
    *,
    day: dt.date,
    zone: ZoneInfo,
    appointment: AppointmentType,
    hours: Iterable[WorkingHours],
    breaks: Iterable[Break] = (),
    time_off: Iterable[TimeOff] = (),
    busy: Iterable[Busy] = (),
    now: dt.datetime,
    step_minutes: int = 15,
    min_notice_minutes: int = 60,
) -> tuple[Slot, ...]:
    """Every start on `day` where a booking of `appointment` (visit and buffer) fits.

    Starts lie on a grid of `step_minutes` counted from each working-hours start; the whole
    booking lies inside that working-hours window and overlaps no break, time off or booking; it
    starts no earlier than `now` plus the minimum notice. Ordered by start, then location."""
    if step_minutes <= 0:
        raise SchedulingError("step_minutes", "must be a positive number of minutes")
    if min_notice_minutes < 0:
        raise SchedulingError("min_notice_minutes", "cannot be negative")
    earliest = _utc(now, "now") + dt.timedelta(minutes=min_notice_minutes)
    weekday = day.weekday()

    def utc(time: dt.time) -> dt.datetime:
        return local_instant(day, time, zone).astimezone(UTC)

    windows = sorted((utc(h.start), utc(h.end), h.location) for h in hours if h.weekday == weekday)
    for (_, end, here), (start, _, there) in zip(windows, windows[1:], strict=False):
        if start < end:
            raise SchedulingError("hours", f"working hours at {here} and {there} overlap")
    blocked = [(utc(b.start), utc(b.end)) for b in breaks if b.weekday == weekday]
    blocked += [(t.start.astimezone(UTC), t.end.astimezone(UTC)) for t in time_off]
    blocked += [(b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in busy]

    step = dt.timedelta(minutes=step_minutes)
    visit = dt.timedelta(minutes=appointment.minutes)
    slots: list[Slot] = []
    for window_start, window_end, location in windows:
        start = window_start
        while start + appointment.blocked <= window_end:
            until = start + appointment.blocked
            if start >= earliest and not any(start < b1 and b0 < until for b0, b1 in blocked):
                slots.append(
                    Slot(
                        start=start.astimezone(zone),
                        end=(start + visit).astimezone(zone),
                        blocked_until=until.astimezone(zone),
                        location=location,
                    )
                )
            start += step
    return tuple(slots)


# --- booking ------------------------------------------------------------------------------------


def booking_refusals(
    *,
    appointment_type: AppointmentType,
    patient_established: bool,
    consent_current: bool,
    slot_is_free: bool,
) -> tuple[str, ...]:
    """Every reason the booking may not be made, in a stable order; empty means it may."""
    name = appointment_type.name
    reasons: list[str] = []
    if appointment_type.requires_established and not patient_established:
        reasons.append(
            f"{with_article(name, capital=True, name=True)} is for established patients only; "
            "book an initial evaluation first."
        )
    if appointment_type.requires_consent and not consent_current:
        reasons.append(
            f"{with_article(name, capital=True, name=True)} needs a current consent to dry "
            "needling; the patient has none on record."
        )
    if not slot_is_free:
        reasons.append("The chosen time is no longer free; please pick another slot.")
    return tuple(reasons)


# --- cancellations ------------------------------------------------------------------------------


class CancellationClass(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # inside the notice period (or after the start): the late fee may apply
    NO_SHOW = "no_show"  # not cancelled, the start has passed and the patient did not arrive


@dataclass(frozen=True)
class CancellationPolicy:
    notice_hours: int = 24
    late_fee: Decimal | None = None  # None: the clinic charges no fee

    def __post_init__(self) -> None:
        if not 0 <= self.notice_hours <= 24 * 14:
            raise SchedulingError("notice_hours", "must be 0 to 336 hours (two weeks)")
        if self.late_fee is not None and self.late_fee < 0:
            raise SchedulingError("late_fee", "cannot be negative")

    def fee_for(self, outcome: CancellationClass | None) -> Decimal | None:
        """The fee to charge for a classified cancellation, None when there is none."""
        if outcome in (CancellationClass.LATE, CancellationClass.NO_SHOW):
            return self.late_fee
        return None


def cancellation_fee_applies(
    *, appointment_start: dt.datetime, cancelled_at: dt.datetime, notice_hours: int
) -> bool:
    """Was the visit cancelled later than `notice_hours` before its start? Exactly on the
    deadline is still in time."""
    if notice_hours < 0:
        raise SchedulingError("notice_hours", "cannot be negative")
    start = _utc(appointment_start, "appointment_start")
    cancelled = _utc(cancelled_at, "cancelled_at")
    return cancelled > start - dt.timedelta(hours=notice_hours)


def classify_cancellation(
    *,
    appointment_start: dt.datetime,
    cancelled_at: dt.datetime | None,
    arrived: bool,
    as_of: dt.datetime,
    policy: CancellationPolicy = CancellationPolicy(),  # frozen, so a shared default is safe
) -> CancellationClass | None:
    """on_time / late for a cancelled visit, no_show for a missed one; None while the visit
    stands (the patient arrived, or the start has not passed yet)."""
    start = _utc(appointment_start, "appointment_start")
    today = _utc(as_of, "as_of")
    if cancelled_at is not None:
        if arrived:
            raise SchedulingError("arrived", "a cancelled visit cannot also be attended")
        late = cancellation_fee_applies(
            appointment_start=start, cancelled_at=cancelled_at, notice_hours=policy.notice_hours
        )
        return CancellationClass.LATE if late else CancellationClass.ON_TIME
    if not arrived and today > start:
        return CancellationClass.NO_SHOW
    return None


# --- follow-ups ---------------------------------------------------------------------------------


def propose_follow_ups(
    *,
    first: dt.datetime,
    sessions: int,
    per_week: int,
    zone: ZoneInfo,
    hours: Iterable[WorkingHours],
) -> tuple[dt.datetime, ...]:
    """Start times for `sessions` follow-ups after the visit at `first` (which is not included).

    Session i is aimed at i weeks (weekly) or i half-weeks (twice weekly: +3, +7, +10, +14 ...
    days) after the first, so a course does not drift; it moves forward to the next working day
    and is never closer than 7 (weekly) or 2 (twice weekly) days to the one before. It keeps the
    first visit's local time when that time falls inside that day's working hours, else it takes
    the day's earliest working-hours start."""
    if not MIN_SESSIONS <= sessions <= MAX_SESSIONS:
        raise SchedulingError(
            "sessions",
            f"a course is planned as {MIN_SESSIONS}-{MAX_SESSIONS} follow-ups (usually 2-6), "
            f"not {sessions}",
        )
    if per_week not in PER_WEEK:
        raise SchedulingError("per_week", f"dry needling is once or twice a week, not {per_week}")
    by_day: dict[int, list[WorkingHours]] = {}
    for h in hours:
        by_day.setdefault(h.weekday, []).append(h)
    if not by_day:
        raise SchedulingError("hours", "no working hours, so no follow-up can be proposed")
    local_first = _aware(first, "first").astimezone(zone)
    first_day, first_time = local_first.date(), local_first.time().replace(fold=0)
    gap = dt.timedelta(days=MIN_DAYS_APART[per_week])

    proposals: list[dt.datetime] = []
    previous = first_day
    for i in range(1, sessions + 1):
        day = max(first_day + dt.timedelta(days=(i * 7) // per_week), previous + gap)
        while day.weekday() not in by_day:
            day += dt.timedelta(days=1)
        windows = by_day[day.weekday()]
        if any(w.start <= first_time < w.end for w in windows):
            time = first_time
        else:
            time = min(w.start for w in windows)
        proposals.append(local_instant(day, time, zone))
        previous = day
    return tuple(proposals)
