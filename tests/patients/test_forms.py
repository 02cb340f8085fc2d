"""The patient form's boundaries: birth dates on the limit days, names tidied, markup refused,
phone numbers of the allowed shapes, and search keys that ignore accents and punctuation."""

from __future__ import annotations

import datetime as dt

import pytest

from taut.patients.forms import PatientForm
from taut.patients.normalise import name_key, phone_digits

TODAY = dt.date(2026, 11, 23)
VALID = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "date_of_birth": "1946-12-09",
    "sex": "female",
    "phone": "(303) 555-0199",
    "email": "grace@example.com",
    "address": "",
}


def _form(**changes: str) -> PatientForm:
    return PatientForm({**VALID, **changes}, today=TODAY)


@pytest.mark.parametrize(
    ("born", "valid"),
    [
        ("2026-11-23", True),  # born today: a newborn's record
        ("2026-11-24", False),
        ("1896-01-01", True),  # 130 years back, counted in calendar years
        ("1895-12-31", False),
        ("2024-02-29", True),  # a leap day
        ("2025-02-29", False),  # no such day
    ],
)
def test_the_date_of_birth_is_accepted_up_to_its_limits(born: str, valid: bool) -> None:
    form = _form(date_of_birth=born)
    assert form.is_valid() is valid, form.errors


@pytest.mark.parametrize("name", ["", "   ", "<b>", "Ada{x}", "A>B"])
def test_an_empty_name_or_one_with_markup_characters_is_refused(name: str) -> None:
    form = _form(given_name=name)
    assert not form.is_valid()
    assert "given_name" in form.errors


def test_names_are_kept_with_their_spaces_tidied() -> None:
    form = _form(given_name="  Mary   Ann ", family_name="O'Brien-Smith")
    assert form.is_valid()
    assert form.cleaned_data["given_name"] == "Mary Ann"
    assert form.cleaned_data["family_name"] == "O'Brien-Smith"


def test_a_name_over_a_hundred_characters_is_refused() -> None:
    assert not _form(family_name="x" * 101).is_valid()


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("+1 (303) 555-0199", True),
        ("303.555.0199", True),
        ("", True),  # a phone is optional at the desk
        ("12345", False),  # too short to dial
        ("+1 303 555 0199 ext 2", False),
        ("+" + "1" * 30, True),  # thirty characters after the plus: the limit
        ("+" + "1" * 31, False),
    ],
)
def test_phone_numbers_of_the_allowed_shapes_only(phone: str, valid: bool) -> None:
    assert _form(phone=phone).is_valid() is valid


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Zoë Sørensen", "zoe sorensen"),
        ("  ÉMILE ", "emile"),
        ("Łukasz", "lukasz"),
        ("Straße", "strasse"),
    ],
)
def test_name_keys_ignore_case_and_accents(typed: str, key: str) -> None:
    assert name_key(typed) == key


def test_phone_digits_drop_everything_but_digits() -> None:
    assert phone_digits("+1 (303) 555-0199") == "13035550199"
