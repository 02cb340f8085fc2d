"""Public education pages (no login) and the owner's pages that edit them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.education import services
from taut.education.forms import PageForm
from taut.education.selectors import (
    TopicPage,
    clinic_for_slug,
    generated_context,
    get_topic_page,
    page_versions,
    topic_pages_for,
)

# --- public -------------------------------------------------------------------------------------


def public_index(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = clinic_for_slug(slug=clinic_slug)
    return render(
        request,
        "education/public_index.html",
        {"clinic": clinic, "pages": topic_pages_for(clinic=clinic, published_only=True)},
    )


def public_topic(request: HttpRequest, clinic_slug: str, topic: str) -> HttpResponse:
    clinic = clinic_for_slug(slug=clinic_slug)
    page = get_topic_page(clinic=clinic, slug=topic, published_only=True)
    pages = topic_pages_for(clinic=clinic, published_only=True)
    return render(
        request,
        "education/public_topic.html",
        {
            "clinic": clinic,
            "page": page,
            **generated_context(topic=page.topic, shipped_text=not page.is_customised),
            **_neighbours(pages, page),
        },
    )


def _neighbours(pages: list[TopicPage], page: TopicPage) -> dict[str, TopicPage | None]:
    slugs = [p.slug for p in pages]
    index = slugs.index(page.slug)
    return {
        "previous_page": pages[index - 1] if index > 0 else None,
        "next_page": pages[index + 1] if index + 1 < len(pages) else None,
    }


# --- staff --------------------------------------------------------------------------------------


@staff_required(Permission.EDUCATION_EDIT)
def manage_list(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    return render(
        request,
        "education/manage_list.html",
        {"clinic": clinic, "pages": topic_pages_for(clinic=clinic)},
    )


@staff_required(Permission.EDUCATION_EDIT)
def manage_edit(request: StaffRequest, topic: str) -> HttpResponse:
    clinic = request.membership.clinic
    page = get_topic_page(clinic=clinic, slug=topic, published_only=False)
    initial = {
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "is_published": page.is_published,
    }
    form = PageForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            preview = TopicPage(
                topic=page.topic,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                is_published=data["is_published"],
                page=page.page,
            )
        else:
            saved = services.education_page_save(
                request=request,
                actor=request.user,
                clinic=clinic,
                topic=page.slug,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                is_published=data["is_published"],
            )
            if saved is None:
                messages.info(request, f"Nothing changed in “{data['title']}”.")
            else:
                shown = "shown on" if saved.is_published else "hidden from"
                messages.success(request, f"Saved “{data['title']}”; it is {shown} your pages.")
            return redirect("education:edit", topic=page.slug)
    return render(
        request,
        "education/manage_edit.html",
        {
            "clinic": clinic,
            "page": page,
            "form": form,
            "preview": preview,
            "versions": page_versions(page=page),
            **(generated_context(topic=page.topic, shipped_text=False) if preview else {}),
        },
    )


@require_POST
@staff_required(Permission.EDUCATION_EDIT)
def manage_restore(request: StaffRequest, topic: str) -> HttpResponse:
    clinic = request.membership.clinic
    page = get_topic_page(clinic=clinic, slug=topic, published_only=False)
    try:
        services.education_page_restore(
            request=request, actor=request.user, clinic=clinic, topic=page.slug
        )
    except services.EducationError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"“{page.topic.title}” shows the text Taut ships again.")
    return redirect("education:edit", topic=page.slug)
