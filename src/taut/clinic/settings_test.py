"""Settings for the test suite: production settings with the testing flag set."""

import os

os.environ.setdefault("TAUT_TESTING", "1")

from taut.clinic.settings import *  # noqa: E402, F403

# SQLite tests use a file, not the default shared in-memory database: the concurrency tests need
# separate connections that wait for each other's write lock, as they do in production. One file
# per test process, so parallel runs never meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Patients' files of one test process, apart from the others' and from a developer's own.
TAUT_PATIENT_FILES_DIR = VAR_DIR / f"patient-files-{os.getpid()}"  # noqa: F405
