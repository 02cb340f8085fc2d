"""What an uploaded file really is, read from its bytes (never from its name or the browser's
word), and whether Taut keeps it: PDFs, JPEG and PNG images only, whole and within the limit."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from taut.clinics.logo import truncated_images_refused
from taut.common.refusals import Invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000
FIELD = "file"

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_IMAGE_TYPES = {"JPEG": JPEG, "PNG": PNG}
# Active content a PDF reader may run; a referral letter or a report has no need of it.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


class FileRefused(Invalid):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, fields={FIELD: reason})


@dataclass(frozen=True)
class CheckedContent:
    content_type: str
    size: int
    sha256: str
    sha1: str  # FHIR's Attachment.hash is SHA-1

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def checked_content(data: bytes, *, max_bytes: int = MAX_BYTES) -> CheckedContent:
    if not data:
        raise FileRefused("The file is empty.")
    if len(data) > max_bytes:
        raise FileRefused(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        content_type = PDF
    elif data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        content_type = _check_image(data)
    else:
        raise FileRefused("Only PDF documents and JPEG or PNG images can be kept.")
    return CheckedContent(
        content_type,
        len(data),
        hashlib.sha256(data).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
    )


def _check_pdf(data: bytes) -> None:
    if any(marker in data for marker in _PDF_ACTIVE):
        raise FileRefused(
            "The PDF contains scripts, attachments or forms; print it to a plain PDF first."
        )
    # A file that starts as a PDF and ends as something else (a polyglot) has content after
    # the PDF's last end-of-file marker.
    tail = data[data.rfind(b"%%EOF") :] if b"%%EOF" in data else b""
    if not tail or len(tail.strip(b" \t\r\n\x00")) > len(b"%%EOF"):
        raise FileRefused("The PDF is damaged or carries other content after its end.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused("The PDF is password-protected; save an unprotected copy first.")
        if len(reader.pages) == 0:
            raise FileRefused("The PDF has no pages.")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise FileRefused("The PDF could not be read; it may be damaged.") from None


def _check_image(data: bytes) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            content_type = _IMAGE_TYPES.get(image.format or "")
            if content_type is None:
                raise FileRefused("Only PDF documents and JPEG or PNG images can be kept.")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise FileRefused("The image has too many pixels.")
            image.verify()
            with truncated_images_refused():
                Image.open(io.BytesIO(data)).load()
    except FileRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise FileRefused("Only PDF documents and JPEG or PNG images can be kept.") from None
    except (OSError, SyntaxError, ValueError):
        raise FileRefused("The image could not be read; it may be damaged.") from None
    return content_type
