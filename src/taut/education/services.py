"""Writes of the education pages: saving a clinic's text, hiding a topic, restoring the shipped
text. Each write keeps the previous wording as a version and leaves one audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical.education import Topic, load_education
from taut.clinics.models import Clinic
from taut.common.refusals import Refused
from taut.education.models import EducationPage, EducationPageVersion


class EducationError(Refused):
    """An education write the rules refuse; the message is for the person at the screen."""


def _normalised(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _shipped_topic(slug: str) -> Topic:
    topic = load_education().topic(slug)
    if topic is None:
        raise EducationError(f"There is no topic “{slug}”.")
    return topic


@transaction.atomic
def education_page_save(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    topic: str,
    title: str,
    summary: str,
    body: str,
    is_published: bool,
) -> EducationPage | None:
    """Save the clinic's text of a topic; None when nothing changed.

    Text identical to the shipped text is stored as "the shipped text" (empty fields), so that
    the clinic keeps receiving Taut's later corrections of it.
    """
    shipped = _shipped_topic(topic)
    title, summary, body = title.strip(), summary.strip(), _normalised(body)
    if (title, summary, body) == (shipped.title, shipped.summary, _normalised(shipped.body)):
        title = summary = body = ""
    page = EducationPage.objects.for_clinic(clinic).select_for_update().filter(topic=topic).first()
    if page is not None and (page.title, page.summary, page.body, page.is_published) == (
        title,
        summary,
        body,
        is_published,
    ):
        return None
    if page is None and not body and is_published:
        return None  # the shipped text, shown: exactly what a clinic without a row sees
    return _write(
        request=request,
        actor=actor,
        clinic=clinic,
        topic=topic,
        page=page,
        fields={"title": title, "summary": summary, "body": body, "is_published": is_published},
        restored=False,
    )


@transaction.atomic
def education_page_restore(
    *, request: HttpRequest | None, actor: Any, clinic: Clinic, topic: str
) -> EducationPage:
    """Go back to the shipped text of a topic, keeping whether it is shown or hidden."""
    _shipped_topic(topic)
    page = EducationPage.objects.for_clinic(clinic).select_for_update().filter(topic=topic).first()
    if page is None or page.uses_shipped_text:
        raise EducationError("This topic already shows the text Taut ships.")
    return _write(
        request=request,
        actor=actor,
        clinic=clinic,
        topic=topic,
        page=page,
        fields={"title": "", "summary": "", "body": "", "is_published": page.is_published},
        restored=True,
    )


def _write(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    topic: str,
    page: EducationPage | None,
    fields: dict[str, Any],
    restored: bool,
) -> EducationPage:
    now = clock.now()
    created = page is None
    if page is None:
        page = EducationPage.objects.create(
            clinic=clinic, topic=topic, version=1, updated_by=actor, updated_at=now, **fields
        )
    else:
        for name, value in fields.items():
            setattr(page, name, value)
        page.version += 1
        page.updated_by, page.updated_at = actor, now
        page.save()
    EducationPageVersion.objects.create(
        clinic=clinic,
        page=page,
        version=page.version,
        saved_by=actor,
        saved_at=now,
        **fields,
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.CREATE if created else Action.UPDATE,
        object_type="education_page",
        object_id=str(page.public_id),
        detail={
            "topic": topic,
            "version": page.version,
            "published": page.is_published,
            "shipped_text": page.uses_shipped_text,
            "restored": restored,
        },
    )
    return page
