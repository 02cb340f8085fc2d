"""Generated phrases in good English: the article before a word and a counted noun.

    with_article("initial evaluation")       # "an initial evaluation"
    with_article("Initial evaluation", name=True)      # "an initial evaluation"
    with_article("NPRS score")               # "an NPRS score" (said "en-pee-...")
    counted(1, "session"), counted(3, "session")       # "1 session", "3 sessions"
    counted(2, "match", "matches")

Every phrase Taut builds around a name it does not know in advance goes through here, in Python
and (as the `article` and `counted` filters) in templates. inflect was measured first: it takes
about 3 s to import, which every command and worker would pay, and writes "a 8-week plan".
"""

from __future__ import annotations

import re

# Words spelt with a vowel but said with a consonant ("a unit", "a one-off", "a European").
_CONSONANT_SOUND = re.compile(r"^(uni|use|usu|uti|ure|eu|ewe|one|once|ubiq|uku)", re.IGNORECASE)
# Words spelt with a consonant but said with a vowel ("an hour", "an honest answer").
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)
# Letters whose spoken name starts with a vowel: "an MRI", "an X-ray", "an NPRS score".
_VOWEL_LETTERS = set("AEFHILMNORSX")
# Numbers said with a vowel first: 8, 11, 18, 80-89, 800...
_VOWEL_NUMBER = re.compile(r"^(8|11(?!\d)|18(?!\d)|11\d{2}(?!\d)|18\d{2}(?!\d))")


def article(phrase: str) -> str:
    """ "a" or "an", by how the first word of the phrase is said."""
    word = phrase.strip().split(" ", 1)[0] if phrase.strip() else ""
    if not word:
        return "a"
    if word[0].isdigit():
        return "an" if _VOWEL_NUMBER.match(word) else "a"
    if _is_acronym(word):
        return "an" if word[0].upper() in _VOWEL_LETTERS else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if word[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(word):
        return "an"
    return "a"


def with_article(phrase: str, *, capital: bool = False, name: bool = False) -> str:
    """The phrase after its article. With name=True the phrase is a label in sentence case (an
    appointment type's "Initial evaluation") and reads in lower case mid-sentence, unless its
    first word is an acronym ("NPRS visit")."""
    text = phrase.strip()
    first = text.split(" ", 1)[0]
    if name and first and first[0].isupper() and not _is_acronym(first):
        text = text[0].lower() + text[1:]
    word = article(text)
    return f"{word.capitalize() if capital else word} {text}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The noun that goes with the count: "session" for 1, "sessions" otherwise."""
    if count == 1:
        return singular
    if plural_form is not None:
        return plural_form
    if re.search(r"(s|x|z|ch|sh)$", singular):
        return singular + "es"
    if re.search(r"[^aeiou]y$", singular):
        return singular[:-1] + "ies"
    return singular + "s"


def counted(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 session", "3 sessions", "1,200 treatments"."""
    return f"{count:,} {plural(count, singular, plural_form)}"


def _is_acronym(word: str) -> bool:
    """Said letter by letter: "MRI", "FHIR", "X-ray", "A"."""
    head = word.split("-", 1)[0]
    letters = [c for c in head if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and (len(letters) >= 2 or len(head) == 1)
    )


__all__ = ["article", "counted", "plural", "with_article"]


# --- sides --------------------------------------------------------------------------------------

# A side as stored ("l"/"r", a `records.Side`) or already in words; anything else has no side.
_SIDE_WORDS = {"l": "left", "r": "right", "left": "left", "right": "right"}


def side_word(side: object) -> str:
    """ "left" or "right"; "" for no side (a midline region, None)."""
    return _SIDE_WORDS.get(str(getattr(side, "value", side) or "").lower(), "")


def sided(name: str, side: object, *, leading: bool = False) -> str:
    """A name with its side, the one way Taut writes one: "upper trapezius (left)", or with
    leading=True, as a heading or list entry reads: "Left temple". Without a side, the name
    (in sentence case when leading)."""
    word = side_word(side)
    if leading:
        text = f"{word} {name}" if word else name
        return text[:1].upper() + text[1:]
    return f"{name} ({word})" if word else name
