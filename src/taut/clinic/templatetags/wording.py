"""Template filters over taut.clinical.wording, loaded in every template (settings builtins).

{{ appointment_type.name|with_article }}        an initial evaluation
{{ sessions|length|counted:"signed session" }}  3 signed sessions
{{ n|counted:"match,matches" }}                  2 matches
"""

from __future__ import annotations

from django import template

from taut.clinical import wording

register = template.Library()


@register.filter
def with_article(phrase: object) -> str:
    """For a name in sentence case, such as an appointment type's ("Initial evaluation")."""
    return wording.with_article(str(phrase), name=True)


@register.filter
def counted(count: object, nouns: str) -> str:
    singular, _, plural_form = nouns.partition(",")
    return wording.counted(int(str(count)), singular, plural_form or None)


@register.filter
def plural(count: object, nouns: str) -> str:
    singular, _, plural_form = nouns.partition(",")
    return wording.plural(int(str(count)), singular, plural_form or None)


@register.filter
def sided(name: object, side: object) -> str:
    """{{ muscle.name|sided:entry.side }}: "upper trapezius (left)"."""
    return wording.sided(str(name), side)
