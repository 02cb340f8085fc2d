"""A clinic's logo: an uploaded PNG or JPEG, checked from its content and re-encoded as a small PNG.

Only the re-encoded pixels are kept, so nothing the browser sent (metadata, trailing bytes, a
script disguised as an image) is ever stored or served.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 25_000_000  # refuse decompression bombs before decoding them
ACCEPTED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}
BOX = (600, 200)  # the largest logo kept, in pixels; a letterhead shows it far smaller


class LogoError(ValueError):
    """An upload that is not a usable logo; the message is for the owner."""


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def logo_from_upload(content: bytes) -> Logo:
    """Check the upload's real format and size, then redraw it as a PNG within BOX."""
    if not content:
        raise LogoError("The file is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise LogoError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    image = _opened(content)
    image.thumbnail(BOX)
    mode = "RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB"
    out = io.BytesIO()
    image.convert(mode).save(out, format="PNG", optimize=True)
    return Logo(out.getvalue(), image.width, image.height)


def _opened(content: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format not in ACCEPTED_FORMATS:
                raise LogoError("The logo must be a PNG or JPEG image.")
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise LogoError("The image has too many pixels; use one under 5,000 × 5,000.")
            # verify() checks the whole PNG, so a truncated one is refused even where another
            # library (WeasyPrint) lets Pillow load truncated images; it needs a fresh open after.
            image.verify()
            image = Image.open(io.BytesIO(content))
            with truncated_images_refused():
                image.load()
    except LogoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise LogoError("The file is not a PNG or JPEG image.") from None
    except (OSError, SyntaxError, ValueError):
        raise LogoError("The image could not be read; it may be damaged.") from None
    return image


_TRUNCATION_SETTING = threading.Lock()


@contextmanager
def truncated_images_refused() -> Iterator[None]:
    """Load strictly: WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, under which a
    cut-off JPEG decodes as grey and verify() does not check JPEG data, so lift it for this load."""
    with _TRUNCATION_SETTING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def data_uri(png: bytes) -> str:
    """The logo inline, for PDFs (WeasyPrint then fetches nothing)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
