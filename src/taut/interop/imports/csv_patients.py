"""Patients from a CSV file: decode, read the header, map columns to fields, read the rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from taut.interop.imports.rows import FIELD_LABELS, REQUIRED, Candidate

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# A patient list has a handful of columns; thousands (a few kilobytes of commas) would make every
# review page build a select of thousands of options per field. A cell holds a name, a phone
# number, an address: a few hundred characters at most.
MAX_COLUMNS = 50
MAX_CELL_CHARS = 1000
DATE_FORMATS = {
    "iso": ("YYYY-MM-DD", "%Y-%m-%d"),
    "dmy": ("DD/MM/YYYY", "%d/%m/%Y"),
    "mdy": ("MM/DD/YYYY", "%m/%d/%Y"),
}
SEX_VALUES = {
    "f": "female",
    "female": "female",
    "w": "female",
    "woman": "female",
    "m": "male",
    "male": "male",
    "man": "male",
    "o": "other",
    "other": "other",
    "x": "other",
    "u": "unknown",
    "unknown": "unknown",
    "not stated": "unknown",
    "": "unknown",
}
# Header spellings recognised for each field, compared lower case without spaces or punctuation.
ALIASES = {
    "given_name": {"givenname", "given", "firstname", "first", "forename", "forenames"},
    "family_name": {"familyname", "family", "lastname", "last", "surname"},
    "date_of_birth": {"dateofbirth", "dob", "birthdate", "born", "birthday"},
    "sex": {"sex", "gender"},
    "phone": {"phone", "telephone", "tel", "mobile", "phonenumber", "cell"},
    "email": {"email", "emailaddress", "mail"},
    "address": {"address", "postaladdress", "homeaddress"},
}


class CsvError(Exception):
    """The file cannot be read as a patient CSV; the message says why and what to do."""


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise CsvError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    if b"\x00" in raw:
        raise CsvError("This is not a text file. Export the spreadsheet as CSV (UTF-8).")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvError(
            f"The file is not UTF-8 (byte {error.start + 1} cannot be read). "
            "Save it again as “CSV UTF-8”."
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows with their line numbers."""
    reader = csv.reader(io.StringIO(text), _dialect(text))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise CsvError("The file is empty.") from None
    except csv.Error as error:
        raise CsvError(f"The file is not valid CSV: {error}.") from None
    if len(header) < 2 or not any(header):
        raise CsvError("The first line must name the columns (for example given_name,family_name).")
    _check_bounds(1, header)
    rows = []
    try:
        for row in reader:
            _check_bounds(reader.line_num, row)
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS:
                raise CsvError(f"The file has more than {MAX_ROWS} patients; split it.")
    except csv.Error as error:
        raise CsvError(f"Line {reader.line_num} is not valid CSV: {error}.") from None
    if not rows:
        raise CsvError("The file has a header but no patients.")
    return header, rows


def _check_bounds(line: int, cells: list[str]) -> None:
    if len(cells) > MAX_COLUMNS:
        raise CsvError(
            f"Line {line} has {len(cells)} columns; a patient file may have at most {MAX_COLUMNS}."
        )
    for position, cell in enumerate(cells, start=1):
        if len(cell) > MAX_CELL_CHARS:
            raise CsvError(
                f"Line {line}, column {position} holds {len(cell):,} characters; "
                f"a cell may hold at most {MAX_CELL_CHARS:,}."
            )


def _simple(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def guess_mapping(header: list[str]) -> dict[str, str]:
    """field -> column for the columns whose header names a field; others stay unmapped."""
    mapping: dict[str, str] = {}
    for column in header:
        for name, aliases in ALIASES.items():
            if _simple(column) in aliases and name not in mapping:
                mapping[name] = column
    return mapping


def mapping_problems(mapping: dict[str, str], header: list[str]) -> list[str]:
    problems = [
        f"Choose the column that holds the {FIELD_LABELS[name].lower()}."
        for name in REQUIRED
        if not mapping.get(name)
    ]
    used = [column for column in mapping.values() if column]
    problems += [f"The column “{c}” is not in the file." for c in used if c not in header]
    problems += [
        f"The column “{c}” is chosen for two fields."
        for c in sorted(set(used))
        if used.count(c) > 1
    ]
    return problems


def candidates(text: str, mapping: dict[str, str], date_format: str) -> list[Candidate]:
    """Each row as raw patient fields, with the errors found while converting them."""
    header, rows = read_table(text)
    index = {column: position for position, column in enumerate(header)}
    label, pattern = DATE_FORMATS[date_format]
    result = []
    for line, row in rows:
        errors: list[tuple[str, str]] = []
        raw: dict[str, Any] = {}
        if len(row) > len(header):
            errors.append(("Row", f"It has {len(row)} cells; the header names {len(header)}."))
        for name, column in mapping.items():
            if column:
                position = index[column]
                raw[name] = row[position].strip() if position < len(row) else ""
        born = raw.get("date_of_birth", "")
        if born:
            try:
                raw["date_of_birth"] = datetime.strptime(born, pattern).date().isoformat()  # noqa: DTZ007
            except ValueError:
                errors.append(
                    (FIELD_LABELS["date_of_birth"], f"“{born}” is not a date as {label}.")
                )
                raw["date_of_birth"] = ""
        sex = raw.get("sex", "")
        if _simple(sex) in SEX_VALUES or sex.lower() in SEX_VALUES:
            raw["sex"] = SEX_VALUES.get(sex.lower(), SEX_VALUES.get(_simple(sex), "unknown"))
        else:
            errors.append((FIELD_LABELS["sex"], f"“{sex}” is not female, male, other or unknown."))
            raw["sex"] = "unknown"
        result.append(Candidate(line=line, raw=raw, errors=errors))
    return result
