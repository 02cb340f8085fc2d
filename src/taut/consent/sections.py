"""The sections of a consent document that the owner words, in reading order.

The risk summary, the technique descriptions and the evidence appendix are not among them: they
come from the cited knowledge data, so a clinic cannot retype a published rate.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_RISKS_INTRO = (
    "Dry needling is generally safe, but like any treatment it has risks. Below are the side "
    "effects that published studies of dry needling recorded, with how often they happened."
)
DEFAULT_AFTER_TREATMENT = (
    "Serious events such as a collapsed lung (pneumothorax) are rare. If after treatment you "
    "become short of breath, have chest pain, breathe fast or have a dry cough, seek emergency "
    "care at once and tell them you had dry needling."
)
DEFAULT_RIGHTS = (
    "You may refuse dry needling, ask questions at any time, and stop the treatment at any "
    "moment, including during a session. You may withdraw this consent at any time, in the "
    "patient portal or by telling the clinic; withdrawing does not affect your other care."
)
DEFAULT_ALTERNATIVES = (
    "Manual therapy, exercise, education, heat or ice, and medicines your doctor may advise. "
    "You may choose any of these instead of, or as well as, dry needling."
)


@dataclass(frozen=True)
class Section:
    field: str  # the ConsentDocument field it edits (also its slug in URLs)
    heading: str  # as the patient reads it
    help: str  # for the owner who edits it


SECTIONS = (
    Section("title", "Title", "The document's title, as the patient sees it at the top."),
    Section(
        "introduction",
        "About this treatment",
        "In your own words: what dry needling is and why it is offered.",
    ),
    Section(
        "techniques",
        "Techniques we use",
        "The techniques your clinic uses; each is described to the patient in plain words.",
    ),
    Section(
        "risks_intro",
        "Risks, and how often they happen",
        "Your words before the summary of risks; the rates themselves come from the published "
        "studies in Taut's knowledge data.",
    ),
    Section(
        "after_treatment",
        "After your treatment",
        "What to watch for after a session and what to do about it.",
    ),
    Section("rights", "Your rights", "The patient's right to refuse, stop and withdraw."),
    Section("alternatives", "Alternatives", "Other treatments the patient may choose."),
)
BY_FIELD = {section.field: section for section in SECTIONS}


def section_for(field: str) -> Section | None:
    return BY_FIELD.get(field)
