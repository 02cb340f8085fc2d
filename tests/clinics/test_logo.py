"""Issue #14, part 4: the owner uploads a logo; Taut keeps a PNG it redrew itself and serves that.

The file is judged by its content (Pillow), not its name or declared type; a refused upload names
the field and the reason and stores nothing."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from taut.audit.models import AuditEntry
from taut.clinics.logo import BOX, MAX_UPLOAD_BYTES
from taut.clinics.models import ClinicLogo
from tests.conftest import World, client_for


def image_bytes(fmt: str, size: tuple[int, int] = (1200, 300), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (20, 90, 160) if mode == "RGB" else 1).save(out, format=fmt)
    return out.getvalue()


def upload(client: Client, name: str, content: bytes, content_type: str) -> str:
    response = client.post(
        reverse("clinics:logo_upload"),
        {"logo": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )
    return response.content.decode()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_the_owner_uploads_a_logo_that_is_redrawn_as_a_small_png(world: World, fmt: str) -> None:
    original = image_bytes(fmt)
    html = upload(client_for(world.owner_a), f"logo.{fmt.lower()}", original, f"image/{fmt}")
    assert "Logo saved" in html
    logo = ClinicLogo.objects.get(clinic=world.clinic_a)
    stored = bytes(logo.png)
    assert stored != original and stored.startswith(b"\x89PNG\r\n\x1a\n")
    assert (logo.width, logo.height) == (BOX[0], BOX[0] * 300 // 1200)
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.logo_sha256 and world.clinic_a.has_logo
    entry = AuditEntry.objects.filter(clinic=world.clinic_a, object_type="clinic_logo").get()
    assert entry.actor == world.owner_a


def test_the_logo_is_served_through_the_app_as_png_to_anyone(world: World) -> None:
    upload(client_for(world.owner_a), "logo.png", image_bytes("PNG"), "image/png")
    response = Client().get(reverse("clinics:logo", args=[world.clinic_a.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == bytes(ClinicLogo.objects.get(clinic=world.clinic_a).png)
    assert Client().get(reverse("clinics:logo", args=[world.clinic_b.slug])).status_code == 404


def test_the_logo_heads_the_portal_and_the_public_pages(world: World) -> None:
    upload(client_for(world.owner_a), "logo.png", image_bytes("PNG"), "image/png")
    logo_url = reverse("clinics:logo", args=[world.clinic_a.slug])
    portal = client_for(world.portal_user_a).get(reverse("portal:home")).content.decode()
    public = Client().get(reverse("education:index", args=["a"])).content.decode()
    for page in (portal, public):
        assert f'src="{logo_url}?v=' in page
        assert 'class="clinic-brand"' in page or "clinic-brand" in page


def _gif() -> bytes:
    return image_bytes("GIF", mode="P")


def _noisy_png() -> bytes:
    out = io.BytesIO()
    noise = random.Random(14).randbytes(64 * 64)  # incompressible, so a cut lands in the pixels
    Image.frombytes("L", (64, 64), noise).save(out, format="PNG")
    return out.getvalue()


def _noisy_jpeg() -> bytes:
    out = io.BytesIO()
    noise = random.Random(15).randbytes(64 * 64 * 3)
    Image.frombytes("RGB", (64, 64), noise).save(out, format="JPEG", quality=95)
    return out.getvalue()


def _huge_png() -> bytes:
    return image_bytes("PNG", size=(6000, 6000), mode="1")


BAD: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("GIF", _gif, "image/gif", "must be a PNG or JPEG"),
    ("SVG", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png", "not a PNG"),
    ("text named .png", lambda: b"hello, world", "image/png", "not a PNG"),
    ("empty", lambda: b"", "image/png", "empty"),
    ("truncated PNG", lambda: _noisy_png()[:400], "image/png", "could not be read"),
    ("truncated JPEG", lambda: _noisy_jpeg()[:2000], "image/jpeg", "could not be read"),
    ("too many pixels", _huge_png, "image/png", "too many pixels"),
    ("too large", lambda: b"\x89PNG" + b"\0" * MAX_UPLOAD_BYTES, "image/png", "larger than"),
]


@pytest.mark.parametrize(("what", "make", "declared", "reason"), BAD, ids=[b[0] for b in BAD])
def test_an_upload_that_is_not_a_usable_logo_is_refused_naming_the_field(
    world: World, what: str, make: Callable[[], bytes], declared: str, reason: str
) -> None:
    html = upload(client_for(world.owner_a), "logo.png", make(), declared)
    assert "Logo:" in html and reason in html, what
    assert not ClinicLogo.objects.exists()
    world.clinic_a.refresh_from_db()
    assert not world.clinic_a.has_logo


def test_the_owner_removes_the_logo(world: World) -> None:
    client = client_for(world.owner_a)
    upload(client, "logo.png", image_bytes("PNG"), "image/png")
    client.post(reverse("clinics:logo_remove"))
    world.clinic_a.refresh_from_db()
    assert not world.clinic_a.has_logo and not ClinicLogo.objects.exists()
    assert Client().get(reverse("clinics:logo", args=["a"])).status_code == 404


@pytest.mark.parametrize("who", ["clinician_a", "frontdesk_a", "portal_user_a"])
def test_only_the_owner_may_change_the_logo(world: World, who: str) -> None:
    response = client_for(getattr(world, who)).post(
        reverse("clinics:logo_upload"),
        {"logo": SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")},
    )
    assert response.status_code == 403
    assert not ClinicLogo.objects.exists()
