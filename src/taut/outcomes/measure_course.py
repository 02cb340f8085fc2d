"""One measure followed over a patient's course: what the outcomes page, its PDF and its chart
read (filled by `selectors/patient_course.py`, drawn by `course_charts.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from taut.clinical.course import CourseFlag, MCIDChoice, Observation, ResponderStatus
from taut.clinical.measures import Instrument


@dataclass
class Course:
    """One instrument (and site) followed over a patient's signed sessions."""

    instrument: Instrument
    site: str
    observations: list[Observation]  # before needling, one per session
    after: dict[int, float]  # session number -> score straight after needling
    mcid: MCIDChoice | None
    status: ResponderStatus | None
    flags: tuple[CourseFlag, ...]
    chart: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # the chart's data as a table
    mcid_note: str = ""  # which MCID judges the course and why (the patient's condition or not)

    @property
    def key(self) -> str:
        return f"{self.instrument.id}-{self.site}".rstrip("-").replace(" ", "-")

    @property
    def title(self) -> str:
        site = f" — {self.site}" if self.site else ""
        return f"{self.instrument.abbreviation} ({self.instrument.name}){site}"

    @property
    def baseline(self) -> Observation | None:
        return self.observations[0] if self.observations else None

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None
