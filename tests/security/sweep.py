"""The machinery of the hostile-input sweep: find every page's forms, submit hostile text, judge.

The sweep walks the URL configuration the way `tests/clinics/test_scoping.py` does and fills URL
parameters with clinic A's records from its `PARAMETER_FACTORIES`. Each page is opened as the
persona whose role may use it (the portal patient for portal pages, nobody for public pages); each
form on it with free text is submitted once per payload, inside a savepoint that is rolled back, so
every submission starts from the same data and what it stored can be found and checked.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from taut.clinics.models import Membership
from tests.clinics.test_scoping import PARAMETER_FACTORIES, walk
from tests.conftest import SIGNATURE, World
from tests.security.htmlforms import Field, Form, parse_forms
from tests.security.payloads import PAYLOADS, Payload, normalisations

# The REST API takes tokens and JSON, not forms (bench/fuzz_api.py and tests/api fuzz it).
SKIPPED_NAMESPACES = ("api:v1:",)
# Rows that legitimately appear on any request, refused or not.
BOOKKEEPING_APPS = frozenset(
    {"audit", "sessions", "axes", "django_tasks_database", "django_tasks_db", "admin"}
)
# Text columns that are derived from what was typed (search keys, hashes), not a copy of it.
DERIVED_COLUMNS = frozenset({"patients.Patient.given_key", "patients.Patient.family_key"})
TOPIC = "what-is-dry-needling"

# Values that a well-formed submission needs in fields that are not free text.
VALID_TYPED = {
    "email": "hostile@example.com",
    "tel": "+1 303 555 0199",
    "url": "https://example.com/",
}
HIDDEN_FILLS = {"signature": SIGNATURE}


def sweep_routes() -> list[str]:
    return [
        name
        for name, _ in walk(get_resolver().url_patterns)
        if not name.startswith(SKIPPED_NAMESPACES)
    ]


def route_kwargs(name: str, world: World) -> dict[str, str] | None:
    """The URL parameters of a route, filled with clinic A's records; None if not a page."""
    pattern = dict(walk(get_resolver().url_patterns))[name]
    kwargs: dict[str, str] = {}
    for param in pattern.pattern.regex.groupindex:
        if param == "kind":
            kwargs[param] = "general"
        elif param == "clinic_slug":
            kwargs[param] = world.clinic_a.slug
        elif param == "topic":
            kwargs[param] = TOPIC
        elif param == "uidb64":
            kwargs[param] = urlsafe_base64_encode(force_bytes(world.owner_a.pk))
        elif param == "token" and "uidb64" in pattern.pattern.regex.groupindex:
            kwargs[param] = default_token_generator.make_token(world.owner_a)
        elif param in PARAMETER_FACTORIES:
            # One record per parameter and world: some factories cannot run twice (a booking).
            made = world.__dict__.setdefault("_sweep_records", {})
            if param not in made:
                made[param] = PARAMETER_FACTORIES[param](world)
            kwargs[param] = made[param]
        else:
            return None  # a calendar feed token or a CSV table name: not a page with forms
    return kwargs


def persona_for(url: str, world: World) -> Any:
    view = resolve(urlsplit(url).path).func
    if getattr(view, "taut_portal", False):
        return world.portal_user_a
    permission = getattr(view, "taut_permission", None)
    if permission is None:
        return None
    for user in (world.clinician_a, world.owner_a, world.frontdesk_a):  # most forms first
        if Membership.objects.get(clinic=world.clinic_a, user=user).may(permission):
            return user
    raise AssertionError(f"no role of clinic A may open {url}")


def client_as(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def is_html(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def body(response: Any) -> str:
    if getattr(response, "streaming", False) or not is_html(response):
        return ""
    return response.content.decode(response.charset or "utf-8", "replace")


def has_errors(html: str) -> bool:
    return any(m in html for m in ('class="errorlist', 'class="form-errors', 'aria-invalid="true"'))


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in BOOKKEEPING_APPS and model._meta.managed
    }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_with(probe: str) -> list[tuple[str, str]]:
    """Every stored text (column or inside JSON) that contains `probe`, with where it is."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in BOOKKEEPING_APPS or not model._meta.managed:
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for column, value in zip(columns, row, strict=True):
                for text in _strings(value):
                    if probe in text:
                        found.append((f"{model._meta.label}.{column}", text))
    return found


def filled(form: Form, free_text: str, *, typed: str | None) -> dict[str, list[str]]:
    """The form's defaults, with every free-text field set to `free_text` and the typed text
    fields to `typed` (or a valid value where empty); empty required fields that are not text get a
    plausible value, so that the hostile text, not a missing answer, decides the outcome."""
    data = form.defaults()
    today = timezone.localdate()
    for f in form.fields:
        if f.free_text:
            data[f.name] = [free_text]
        elif f.typed_text:
            data[f.name] = [typed] if typed is not None else [f.value or VALID_TYPED[f.type]]
        elif f.tag == "input" and f.type == "hidden" and f.name in HIDDEN_FILLS and not f.value:
            data[f.name] = [HIDDEN_FILLS[f.name]]
        elif f.tag == "input" and f.type == "checkbox" and f.required:
            data[f.name] = [f.value or "on"]
        elif f.tag == "input" and not f.value and f.required:
            data[f.name] = [_plausible(f, today)]
    return data


def invalid_fields(html: str) -> set[str]:
    """The fields a re-rendered form marks invalid (Django sets aria-invalid on them)."""
    return {f.name for form in parse_forms(html) for f in form.fields if f.invalid}


def plain_value(f: Field) -> str:
    if f.typed_text:
        return VALID_TYPED[f.type]
    if "phone" in f.name:
        return VALID_TYPED["tel"]
    if "code" in f.name:
        return ""
    return "Plain text"


def _plausible(f: Field, today: Any) -> str:
    if f.type == "date":
        return "1980-05-17" if "birth" in f.name else (today + timedelta(days=7)).isoformat()
    if f.type == "time":
        return "10:00"
    if f.type == "datetime-local":
        return f"{(today + timedelta(days=7)).isoformat()}T10:00"
    if f.type == "number":
        return "1"
    return ""


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Sweep:
    """One route's sweep: what it submitted and what it found wrong."""

    world: World
    failures: list[str] = field(default_factory=list)
    submissions: int = 0
    forms: list[tuple[str, Form]] = field(default_factory=list)
    fields: set[tuple[str, str]] = field(default_factory=set)
    payloads_by_field: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    stored: list[tuple[str, str, str]] = field(default_factory=list)  # (payload, column, action)

    def fail(self, where: str, payload: Payload, message: str) -> None:
        self.failures.append(f"{where} [{payload.name}]: {message}")

    def open(self, name: str) -> tuple[Client, str, Any] | None:
        kwargs = route_kwargs(name, self.world)
        if kwargs is None:
            return None
        url = reverse(name, kwargs=kwargs)
        user = persona_for(url, self.world)
        client = client_as(user)
        response = client.get(url, follow=True)
        if (
            user is None
            and response.redirect_chain
            and "/accounts/login/" in response.request["PATH_INFO"]
            and not url.startswith("/accounts/login/")
        ):
            client = client_as(self.world.owner_a)  # a signed-in page that states no permission
            response = client.get(url, follow=True)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        final = response.request["PATH_INFO"]
        return client, final, response

    def run(self, name: str, *, seen: set[tuple[str, str, tuple[str, ...]]]) -> None:
        opened = self.open(name)
        if opened is None:
            return
        client, page, response = opened
        if response.status_code != 200 or not is_html(response):
            return
        for form in parse_forms(body(response)):
            action = urljoin(page, form.action or page)
            split = urlsplit(action)
            if split.netloc or not split.path.startswith("/"):
                continue
            form.action = split.path + (f"?{split.query}" if split.query else "")
            if not (form.free_text_fields or form.typed_text_fields):
                continue
            if form.signature() in seen:
                continue
            seen.add(form.signature())
            self.forms.append((page, form))
            self.sweep_form(client, page, form)

    def sweep_form(self, client: Client, page: str, form: Form) -> None:
        for f in form.free_text_fields + form.typed_text_fields:
            self.fields.add((form.action, f.name))
        for payload in PAYLOADS:
            self.submit(client, page, form, payload, typed=None)
            if form.typed_text_fields:
                # Again with the payload in the email, phone and web-address fields as well.
                self.submit(client, page, form, payload, typed=payload.text)

    def submit(
        self, client: Client, page: str, form: Form, payload: Payload, *, typed: str | None
    ) -> None:
        data = filled(form, payload.text, typed=typed)
        where = f"{form.method.upper()} {form.action} (form on {page})"
        targets = form.free_text_fields + (form.typed_text_fields if typed is not None else [])
        for f in targets:
            self.payloads_by_field.setdefault((form.action, f.name), set()).add(payload.name)
        invalid = self._attempt(client, page, form, payload, data, where)
        kept = [f for f in targets if f.name not in invalid]
        if invalid and kept and typed is None:
            # Some fields refused the payload (a phone number, a code list): submit again with
            # those fields plain, so the fields that accept free text show what they store.
            for f in form.fields:
                if f.name in invalid:
                    data[f.name] = [f.value or plain_value(f)]
            self._attempt(client, page, form, payload, data, where + " (refused fields plain)")

    def _attempt(
        self,
        client: Client,
        page: str,
        form: Form,
        payload: Payload,
        data: dict[str, list[str]],
        where: str,
    ) -> set[str]:
        self.submissions += 1
        try:
            with rolled_back():
                return self._submit_and_judge(client, page, form, payload, data, where)
        except AssertionError:
            raise
        except Exception:  # the view crashed: report it with the traceback's last lines
            self.fail(where, payload, "5xx: " + traceback.format_exc(limit=-4))
            return set()

    def _submit_and_judge(
        self,
        client: Client,
        page: str,
        form: Form,
        payload: Payload,
        data: dict[str, list[str]],
        where: str,
    ) -> set[str]:
        """Submit and judge; the names of the fields the page marked invalid, if it refused."""
        before = row_counts()
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action, data)
        html = body(response)
        self.check_page(where, payload, response, html)
        after = row_counts()
        created = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        refused = response.status_code >= 400 or (response.status_code == 200 and has_errors(html))
        if refused:
            if created:
                self.fail(where, payload, f"refused ({response.status_code}) but wrote {created}")
            return invalid_fields(html)
        if form.method != "post":
            return set()
        for column, text in stored_with(payload.probe):
            if column in DERIVED_COLUMNS:
                continue
            self.stored.append((payload.name, column, form.action))
            if text not in normalisations(payload.text):
                self.fail(
                    where,
                    payload,
                    f"stored {column} differs: {len(text)} chars, starts {text[:60]!r}",
                )
        # The pages that show what was stored: where the form sent us, and the form's own page.
        shown = [page]
        if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
            shown.insert(0, response["Location"])
        for url in shown:
            try:
                resolve(urlsplit(url).path)
            except Resolver404:
                continue
            after_response = client.get(url)
            self.check_page(
                f"GET {url} after {where}", payload, after_response, body(after_response)
            )
        return set()

    def check_page(self, where: str, payload: Payload, response: Any, html: str) -> None:
        if response.status_code >= 500:
            self.fail(where, payload, f"answered {response.status_code}")
        for forbidden in payload.forbidden:
            if forbidden in html:
                at = html.index(forbidden)
                self.fail(where, payload, f"unescaped in the page: {html[at - 80 : at + 60]!r}")
