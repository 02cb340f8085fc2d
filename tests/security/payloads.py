"""Hostile text for the input sweep: markup, SQL, template syntax, overlong and non-Latin strings.

Each payload has a `probe`: a piece of it that survives the normalisations Taut documents (leading
and trailing whitespace stripped, inner runs of whitespace collapsed), so the sweep can find where
a submitted payload was stored and check that it round-tripped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    probe: str
    # Strings that must never appear in a page after this payload was submitted: the payload
    # unescaped, or what a template engine would make of it.
    forbidden: tuple[str, ...] = ()


def _overlong(length: int) -> str:
    unit = "overlong-Ωmega-"  # one non-ASCII letter: a byte limit and a character limit differ
    return (unit * (length // len(unit) + 1))[:length]


SCRIPT = Payload(
    "script",
    "<script>alert(1)</script>",
    "alert(1)</script>",
    forbidden=("<script>alert(1)</script>",),
)
ATTRIBUTE = Payload(
    "attribute",
    '"><img src=x onerror=alert(1)>',
    "onerror=alert(1)>",
    forbidden=("<img src=x onerror=alert(1)>", '"><img'),
)
SQL = Payload("sql", "'; DROP TABLE patients_patient; --", "DROP TABLE patients_patient")
TEMPLATE = Payload(
    "template",
    "{{7*7}} {% debug %} ${7*7} #{7*7}",
    "{% debug %}",
    # What Django's {% debug %} prints (the loaded modules), raw or escaped.
    forbidden=("<module 'sys'", "&lt;module &#x27;sys&#x27;"),
)
LONG_10K = Payload("long_10k", _overlong(10_000), _overlong(40))
LONG_100K = Payload("long_100k", _overlong(100_000), _overlong(40))
ARABIC = Payload("arabic", "مريض يشكو من ألم في الكتف", "يشكو من ألم")
CHINESE = Payload("chinese", "患者肩部疼痛，需要干针治疗", "肩部疼痛")
EMOJI = Payload("emoji", "Pain 😖 at 7/10 👩🏽‍⚕️🩺", "😖 at 7/10 👩🏽‍⚕️")
COMBINING = Payload(
    "combining", "Z\u0337\u0322a\u0336l\u0335g\u0338o e\u0301\u0301", "a\u0336l\u0335g"
)
NUL = Payload("nul", "nul\x00byte", "nul\x00byte")
RTL = Payload("rtl", "invoice\u202egpj.exe", "invoice\u202egpj")

PAYLOADS: tuple[Payload, ...] = (
    SCRIPT,
    ATTRIBUTE,
    SQL,
    TEMPLATE,
    LONG_10K,
    LONG_100K,
    ARABIC,
    CHINESE,
    EMOJI,
    COMBINING,
    NUL,
    RTL,
)

# Every payload class the acceptance criterion names, and the payloads that stand for it.
PAYLOAD_CLASSES: dict[str, tuple[Payload, ...]] = {
    "script": (SCRIPT, ATTRIBUTE),
    "html": (ATTRIBUTE,),
    "sql": (SQL,),
    "template": (TEMPLATE,),
    "overlong": (LONG_10K, LONG_100K),
    "non-latin": (ARABIC, CHINESE, EMOJI, COMBINING, RTL),
    "control": (NUL,),
}


def normalisations(text: str) -> set[str]:
    """The stored forms of `text` that are documented normalisations, not corruption."""
    return {text, text.strip(), " ".join(text.split())}
