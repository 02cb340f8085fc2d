"""A file's type is read from its bytes; anything that is not a whole, plain PDF, JPEG or PNG is
refused with a reason naming the file field."""

from __future__ import annotations

import pytest

from taut.files.content import JPEG, PDF, PNG, FileRefused, checked_content
from tests.files.conftest import image_bytes, pdf_bytes


@pytest.mark.parametrize(
    ("data", "expected"),
    [(pdf_bytes(), PDF), (image_bytes("JPEG"), JPEG), (image_bytes("PNG"), PNG)],
    ids=["pdf", "jpeg", "png"],
)
def test_a_plain_pdf_jpeg_or_png_is_kept_with_its_type_size_and_hash(
    data: bytes, expected: str
) -> None:
    checked = checked_content(data)
    assert (checked.content_type, checked.size, len(checked.sha256)) == (expected, len(data), 64)


def _refusal(data: bytes, **kwargs: int) -> str:
    with pytest.raises(FileRefused) as refused:
        checked_content(data, **kwargs)
    assert set(refused.value.fields) == {"file"}
    return refused.value.message


def test_an_empty_file_is_refused() -> None:
    assert "empty" in _refusal(b"")


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    assert "larger than 1 MB" in _refusal(
        pdf_bytes() + b"\0" * (1024 * 1024), max_bytes=1024 * 1024
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"MZ\x90\x00 an executable",
        b"GIF89a\x01\x00\x01\x00",
    ],
    ids=["html", "svg", "exe", "gif"],
)
def test_other_types_are_refused_whatever_their_name_would_say(data: bytes) -> None:
    assert "Only PDF documents and JPEG or PNG images" in _refusal(data)


def test_a_pdf_with_javascript_is_refused() -> None:
    data = pdf_bytes().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"
    )
    assert "scripts" in _refusal(data)


def test_a_polyglot_with_html_after_the_pdf_end_is_refused() -> None:
    assert "after its end" in _refusal(pdf_bytes() + b"\n<html><script>alert(1)</script></html>")


def test_a_pdf_cut_off_before_its_end_is_refused() -> None:
    data = pdf_bytes()
    assert "damaged" in _refusal(data[: len(data) // 2])


def test_a_truncated_jpeg_is_refused() -> None:
    data = image_bytes("JPEG")
    assert "damaged" in _refusal(data[: len(data) - 40])


def test_trailing_padding_after_a_pdf_end_is_accepted() -> None:
    assert checked_content(pdf_bytes() + b"\r\n\x00\x00").content_type == PDF
