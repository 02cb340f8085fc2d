"""Settings for the test suite: production settings with the testing flag set."""

import os

os.environ.setdefault("TAUT_TESTING", "1")

from taut.clinic.settings import *  # noqa: E402, F403
