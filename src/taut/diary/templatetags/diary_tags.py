"""Diary panels other apps' templates include: the session page and the portal home."""

from __future__ import annotations

from typing import Any

from django import template

from taut.diary.selectors import due_prompts, session_diary

register = template.Library()


@register.inclusion_tag("diary/_session_diary_panel.html")
def session_diary_panel(session: Any) -> dict[str, Any]:
    """What the patient reported after this session (the session page audits the read)."""
    return {"session": session, **session_diary(session=session)}


@register.inclusion_tag("diary/_portal_due_notice.html")
def portal_diary_due(patient: Any) -> dict[str, Any]:
    return {"due": due_prompts(patient=patient)}
