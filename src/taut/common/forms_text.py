"""Form errors as one sentence, for pages that answer a small form with a flash message."""

from __future__ import annotations

from django import forms


def form_errors_sentence(form: forms.BaseForm) -> str:
    parts = [
        f"{form.fields[name].label or name if name in form.fields else 'Form'}: "
        f"{' '.join(str(error) for error in errors)}"
        for name, errors in form.errors.items()
    ]
    return "Not saved. " + "; ".join(parts)
