"""Settings, driven by the environment.

Development (`TAUT_DEV=1`, which `make run` sets) turns DEBUG on and supplies a throw-away secret
key. Anything else is production: it refuses to start without SECRET_KEY and ALLOWED_HOSTS, so a
server holding patient data fails closed rather than open.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from taut.clinic.env import env_bool, env_int, env_list, env_str
from taut.common.proxies import parse_networks

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TAUT_VAR_DIR", str(Path.cwd() / "var")))

DEV = env_bool("TAUT_DEV")
TESTING = env_bool("TAUT_TESTING")
DEBUG = DEV and not TESTING

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEV or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set (or TAUT_DEV=1 for development).")
    SECRET_KEY = "taut-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not (DEV or TESTING):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set (or TAUT_DEV=1 for development).")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), so
# that lockouts, rate limits and the audit log see each client, not the proxy (common/proxies.py).
TAUT_TRUSTED_PROXIES = env_list("TAUT_TRUSTED_PROXIES")
try:
    parse_networks(TAUT_TRUSTED_PROXIES)
except ValueError as invalid:
    raise ImproperlyConfigured(f"TAUT_TRUSTED_PROXIES: {invalid}.") from None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "taut.clinic",
    "taut.accounts",
    "taut.clinics",
    "taut.audit",
    "taut.patients",
    "taut.screening",
    "taut.consent",
    "taut.charting",
    "taut.files",
    "taut.portal",
    "taut.scheduling",
    "taut.messaging",
    "taut.diary",
    "taut.outcomes",
    "taut.api",
    "taut.interop",
    "taut.education",
    "taut.billing",
    "taut.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "taut.accounts.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "taut.replica.ReadYourWritesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "taut.clinics.middleware.ClinicMembershipMiddleware",
    "taut.clinics.zones.ClinicTimeZoneMiddleware",
    "taut.accounts.middleware.TwoFactorMiddleware",
    "taut.common.refusal_pages.RefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taut.clinic.urls"
WSGI_APPLICATION = "taut.clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taut.clinics.context_processors.membership",
                "taut.clinics.context_processors.brand",
                "taut.diary.context_processors.open_alerts",
            ],
            "builtins": [
                "taut.clinic.templatetags.wording",
                "taut.common.times",
                "django.templatetags.tz",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "taut.sqlite3",
        "OPTIONS": {
            # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so
            # two writers serialise instead of failing half-way through a transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
# A PostgreSQL streaming replica for reads that may be a moment old (reports, exports, the audit
# log): views opt in with taut.replica.reads_from_replica; see docs/deployment.md.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(env_str("DATABASE_REPLICA_URL"), conn_max_age=60),
        "CONN_HEALTH_CHECKS": True,
        # Tests never create a database on the standby: it receives the primary's.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["taut.replica.ReplicaRouter"]
# After a person writes, their reads stay on the primary this long (replica lag is far shorter).
TAUT_REPLICA_STALE_SECONDS = env_int("TAUT_REPLICA_STALE_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (reminders, diary prompts, bulk exports) goes through django-tasks on the
# database backend, so no broker is needed; `taut worker` runs the queue and seals the audit
# log every TAUT_AUDIT_SEAL_SECONDS.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
TAUT_AUDIT_SEAL_SECONDS = float(env_str("TAUT_AUDIT_SEAL_SECONDS", "2"))
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the hasher itself is covered by a test of its own.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): a username from one client address, so that a
# stranger's failures never lock a colleague out (the address as common/proxies.py finds it).
AXES_FAILURE_LIMIT = env_int("TAUT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TAUT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "taut.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "taut.common.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "taut.common.proxies.client_ip"

# Sessions end after a period of inactivity: requests slide the expiry forward, saving the
# session at most once a minute (taut.accounts.sessions), not on every request.
SESSION_COOKIE_AGE = env_int("TAUT_SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "Taut"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # TLS from the start, usually on port 465
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Taut <no-reply@localhost>")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file backend

# Text messages: "twilio" sends through Twilio; "console" prints (development), "locmem" keeps
# them for the tests; or the dotted path of your own sender class (see taut/messaging/sms.py).
TAUT_SMS_BACKEND = env_str("TAUT_SMS_BACKEND", "locmem" if TESTING else "console")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env_str("TWILIO_FROM")  # the sending number, +E.164
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")  # instead of a number
# The country code of numbers written without one.
TAUT_SMS_COUNTRY_CODE = env_str("TAUT_SMS_COUNTRY_CODE", "1")
if TAUT_SMS_BACKEND == "twilio" and not (
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and (TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID)
):
    raise ImproperlyConfigured(
        "TAUT_SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM "
        "(or TWILIO_MESSAGING_SERVICE_SID)."
    )
# FHIR bulk-export files (patient data at rest outside the database) are deleted this many hours
# after the export finished; the status answer's Expires header and the export page say when.
TAUT_EXPORT_HOURS = env_int("TAUT_EXPORT_HOURS", 72)
# Patients' files (referral letters, imaging reports): outside the static and media roots, served
# only through the files app's access check; `taut backup` carries them beside the database.
TAUT_PATIENT_FILES_DIR = Path(env_str("TAUT_PATIENT_FILES_DIR", str(VAR_DIR / "patient-files")))
# Where patients reach this site; used for links in emails and calendar files.
TAUT_BASE_URL = env_str("TAUT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development and tests WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEV or TESTING
WHITENOISE_AUTOREFRESH = DEV or TESTING
MEDIA_ROOT = VAR_DIR / "media"

# Security headers. Production serves behind a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not (DEV or TESTING)
CSRF_COOKIE_SECURE = not (DEV or TESTING)
SECURE_SSL_REDIRECT = env_bool("TAUT_SSL_REDIRECT", not (DEV or TESTING))
SECURE_HSTS_SECONDS = 0 if (DEV or TESTING) else env_int("TAUT_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TAUT_LOG_LEVEL", "WARNING")},
}

TAUT_DEMO_PASSWORD = env_str("TAUT_DEMO_PASSWORD", "taut-demo-2026")
