from __future__ import annotations

from django import forms

from taut.files.content import MAX_BYTES
from taut.files.models import FileKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=FileKind.choices)
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="For example “MRI lumbar spine, 2 March”. Leave empty to use the kind.",
    )
    file = forms.FileField(
        label="File",
        help_text=f"A PDF, JPEG or PNG, up to {MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(label="Why remove it", max_length=500)
