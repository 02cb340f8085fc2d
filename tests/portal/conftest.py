"""Portal tests run on the fixed clinic clock, with clinic A's schedule ready to book."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.scheduling.conftest import Desk, make_desk


@pytest.fixture(autouse=True)
def _fixed_clock(clinic_clock: Any) -> None:
    """Appointments are split into upcoming and past at the clock's now."""


@pytest.fixture
def desk(world: World) -> Desk:
    return make_desk(world)
