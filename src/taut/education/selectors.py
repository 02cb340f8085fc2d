"""Reads of the education pages: a clinic's own text where it wrote one, else the shipped text.

Public pages find the clinic by its slug (no login); staff pages use the member's clinic. Both go
through `topic_pages_for`, so the rule "no row, or an emptied row, means the shipped text" lives
in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from taut.clinical.education import (
    Generated,
    PageSources,
    RiskGroup,
    Topic,
    load_education,
    page_sources,
    render_markup,
    risk_groups,
    screening_groups,
)
from taut.clinics.models import Clinic
from taut.education.models import EducationPage, EducationPageVersion


@dataclass(frozen=True)
class TopicPage:
    """What a topic shows for one clinic."""

    topic: Topic  # the shipped record: order, sources, generated part, prompt
    title: str
    summary: str
    body: str  # in the small markup
    is_published: bool
    page: EducationPage | None

    @property
    def slug(self) -> str:
        return self.topic.slug

    @property
    def is_customised(self) -> bool:
        return self.page is not None and not self.page.uses_shipped_text

    @property
    def html(self) -> SafeString:
        # render_markup escapes every piece of text and emits only its own few tags.
        return mark_safe(render_markup(self.body))  # noqa: S308


def _compose(topic: Topic, page: EducationPage | None) -> TopicPage:
    custom = page is not None and not page.uses_shipped_text
    return TopicPage(
        topic=topic,
        title=page.title if custom and page and page.title else topic.title,
        summary=page.summary if custom and page and page.summary else topic.summary,
        body=page.body if custom and page else topic.body,
        is_published=page.is_published if page is not None else True,
        page=page,
    )


def clinic_for_slug(*, slug: str) -> Clinic:
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise Http404("No such clinic.")
    return clinic


def topic_pages_for(*, clinic: Clinic, published_only: bool = False) -> list[TopicPage]:
    rows = {
        page.topic: page
        for page in EducationPage.objects.for_clinic(clinic).select_related("updated_by")
    }
    pages = [_compose(topic, rows.get(topic.slug)) for topic in load_education().topics]
    return [page for page in pages if page.is_published or not published_only]


def get_topic_page(*, clinic: Clinic, slug: str, published_only: bool) -> TopicPage:
    """One topic of the clinic, or 404 for an unknown topic (and a hidden one on public pages)."""
    topic = load_education().topic(slug)
    if topic is None:
        raise Http404("No such topic.")
    row = EducationPage.objects.for_clinic(clinic).filter(topic=slug).first()
    page = _compose(topic, row)
    if published_only and not page.is_published:
        raise Http404("This clinic does not show this topic.")
    return page


def page_versions(*, page: TopicPage) -> list[EducationPageVersion]:
    if page.page is None:
        return []
    return list(
        EducationPageVersion.objects.for_clinic(page.page.clinic_id)
        .filter(page=page.page)
        .select_related("saved_by")
    )


def _numbered(group: RiskGroup, numbers: dict[str, int]) -> dict[str, Any]:
    """A risk group for the page: each figure with the numbers of its sources in the list."""
    return {
        "severity": group.severity,
        "definition": group.definition,
        "rows": [
            {
                "label": row.label,
                "figures": [
                    {
                        "figure": figure,
                        "refs": [(key, numbers[key]) for key in figure.source if key in numbers],
                    }
                    for figure in row.figures
                ],
            }
            for row in group.rows
        ],
    }


def generated_context(*, topic: Topic, shipped_text: bool) -> dict[str, Any]:
    """The parts built from the knowledge data, and every source the page rests on."""
    sources: PageSources = page_sources(topic, shipped_text=shipped_text)
    numbers = {source.key: n for n, source in enumerate(sources.sources, start=1)}
    groups = risk_groups() if topic.generated is Generated.RISK_RATES else ()
    return {
        "risk_groups": [_numbered(group, numbers) for group in groups],
        "screening_groups": (
            screening_groups() if topic.generated is Generated.SCREENING_RULES else ()
        ),
        "sources": sources.sources,
        "rests_on_unpublished": sources.rests_on_unpublished,
    }
