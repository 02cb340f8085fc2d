"""Search keys: the forms of names and phone numbers the indexes are built on."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLDED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def name_key(value: str) -> str:
    """Lower case without accents, so "Zoë Sørensen" is found by "zoe sorensen"."""
    folded = value.strip().casefold().translate(_FOLDED)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def phone_digits(value: str) -> str:
    return re.sub(r"\D", "", value)
