"""Read the forms of a page with the stdlib HTML parser, as a browser would submit them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Input types whose value is whatever the person types.
FREE_TEXT_TYPES = frozenset({"text", "search", "password"})
# Typed text: the browser checks the shape, the server must too.
TYPED_TEXT_TYPES = frozenset({"email", "tel", "url"})
PASSIVE_BUTTONS = frozenset({"preview", "cancel", "check"})
NOT_SUBMITTED = frozenset({"submit", "button", "reset", "image"})


@dataclass
class Field:
    tag: str  # input, textarea or select
    name: str
    type: str
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)
    multiple: bool = False
    invalid: bool = False  # the page marked it aria-invalid: it was refused

    @property
    def free_text(self) -> bool:
        return self.tag == "textarea" or (self.tag == "input" and self.type in FREE_TEXT_TYPES)

    @property
    def typed_text(self) -> bool:
        return self.tag == "input" and self.type in TYPED_TEXT_TYPES


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    submit: tuple[str, str] | None = None  # the first named submit button

    @property
    def free_text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.free_text]

    @property
    def typed_text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.typed_text]

    @property
    def file_fields(self) -> list[Field]:
        return [f for f in self.fields if f.tag == "input" and f.type == "file"]

    def defaults(self) -> dict[str, list[str]]:
        """What submitting the form untouched sends; a radio group with nothing checked sends
        its first option, so that the hostile text, not a missing choice, decides the outcome."""
        data: dict[str, list[str]] = {}
        radios_seen: dict[str, str] = {}
        for f in self.fields:
            if f.tag == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and f.options and (f.required or not f.multiple):
                    chosen = [f.options[0][0]]
                data.setdefault(f.name, []).extend(chosen)
            elif f.type == "radio":
                radios_seen.setdefault(f.name, f.value)
                if f.checked:
                    data[f.name] = [f.value]
            elif f.type == "checkbox":
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.type == "file":
                continue
            else:
                data.setdefault(f.name, []).append(f.value)
        for name, first in radios_seen.items():
            data.setdefault(name, [first])
        if self.submit:
            data.setdefault(self.submit[0], []).append(self.submit[1])
        return data

    def offer_submit(self, name: str, value: str) -> None:
        """Press the first button that saves; a preview or cancel button only if none does."""
        if self.submit is None or self.submit[1] in PASSIVE_BUTTONS:
            self.submit = (name, value)

    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.action, tuple(sorted(f.name for f in self.fields)))


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool, bool] | None = None
        self._option_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or a.get("hx-post") or a.get("hx-get") or ""
            method = "post" if "hx-post" in a else a.get("method", "get").lower()
            self._form = Form(method, action, a.get("enctype", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in NOT_SUBMITTED:
                if kind == "submit":
                    form.offer_submit(name, a.get("value", ""))
                return
            form.fields.append(
                Field(
                    "input",
                    name,
                    kind,
                    value=a.get("value", "on" if kind in {"checkbox", "radio"} else ""),
                    checked="checked" in a,
                    required="required" in a,
                    invalid=a.get("aria-invalid") == "true",
                )
            )
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.offer_submit(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = Field(
                "textarea",
                name,
                "textarea",
                required="required" in a,
                invalid=a.get("aria-invalid") == "true",
            )
            form.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = Field(
                "select", name, "select", required="required" in a, multiple="multiple" in a
            )
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, "disabled" in a)
            self._option_text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]  # HTML drops the first newline
            self._textarea = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected, disabled = self._option
            if not disabled:
                self._select.options.append(
                    (value if value is not None else self._option_text.strip(), selected)
                )
        self._option = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
