from __future__ import annotations

from django import forms

from taut.clinical.education import MAX_BODY, MAX_SUMMARY, MAX_TITLE, markup_problems


class PageForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE, help_text="The heading of the page.")
    summary = forms.CharField(
        max_length=MAX_SUMMARY,
        help_text="One sentence, shown in the list of topics and to search engines.",
    )
    body = forms.CharField(
        label="Page text",
        max_length=MAX_BODY,
        widget=forms.Textarea(
            attrs={"rows": 22, "aria-describedby": "id_body_helptext markup-help"}
        ),
        help_text="Plain text with the small markup explained beside this box. No HTML.",
    )
    is_published = forms.BooleanField(
        required=False,
        label="Show this topic on the public pages",
        help_text="Untick to hide the topic; its text is kept.",
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        problems = markup_problems(body)
        if problems:
            raise forms.ValidationError(problems)
        return body
