from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: staff (through memberships) or a patient (through the portal)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
