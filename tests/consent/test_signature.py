from __future__ import annotations

import json

import pytest

from taut.consent.signature import SignatureError, signature_strokes, signature_svg
from tests.conftest import SIGNATURE


def test_a_drawn_signature_becomes_an_svg_drawn_by_taut() -> None:
    svg = signature_svg(signature_strokes(SIGNATURE))
    assert svg.startswith("<svg") and svg.count("<path") == 2
    assert "script" not in svg


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "draw your signature"),
        ("[]", "draw your signature"),
        ("not json", "could not be read"),
        ('{"a": 1}', "expected form"),
        ('[["<script>"]]', "expected form"),
        (json.dumps([[[1, 2, 3]]]), "expected form"),
        (json.dumps([[[True, 2]] * 20]), "expected form"),
        (json.dumps([[[5000, 20]] * 20]), "outside the signing box"),
        (json.dumps([[[-1, 20]] * 20]), "outside the signing box"),
        (json.dumps([[[10, 10]] * 6000]), "too large"),
        ("[" + "1," * 60000 + "1]", "too large"),
    ],
)
def test_it_refuses_what_is_not_a_signature(raw: str, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        signature_strokes(raw)
