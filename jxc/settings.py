"""Settings, read from the environment so one code base serves a shop and a chain.

DATABASE_URL   sqlite:///path (default: <JXC_DATA_DIR>/jxc.sqlite3) or postgres://…
SECRET_KEY     generated once and stored in <JXC_DATA_DIR>/secret_key when absent
ALLOWED_HOSTS  comma separated, default 127.0.0.1,localhost
JXC_DATA_DIR   where the database, the secret key and uploads live (default ./var)
JXC_PRODUCTION 1 turns on HTTPS-only cookies, HSTS and the other deploy settings
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JXC_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
PRODUCTION = _env_bool("JXC_PRODUCTION")
DEBUG = _env_bool("JXC_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "ninja",  # serves the API docs page's Swagger UI from local static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "jxc.core",
    "jxc.catalog",
    "jxc.partners",
    "jxc.approvals",
    "jxc.inventory",
    "jxc.loans",
    "jxc.purchasing",
    "jxc.sales",
    "jxc.finance",
    "jxc.retail",
    "jxc.reports",
    "jxc.imports",
    "jxc.web",
    "django.forms",  # the widgets' own templates, after jxc.web's overrides of them
]
# Form widgets render through the project's templates, so jxc.web can override one (the
# empty choice of a select reads "" or the field's own words, never "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jxc.urls"
WSGI_APPLICATION = "jxc.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jxc.web.context.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'jxc.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE makes writers queue at BEGIN
    # (instead of failing on upgrade from a read lock); the timeout is how long they queue.
    # Django's backend, with writers that wait their turn before BEGIN IMMEDIATE instead of
    # polling in SQLite's busy handler (jxc.core.db.sqlite3: no "database is locked").
    # Connections are kept between requests (CONN_MAX_AGE as for PostgreSQL, 60 s by
    # default): a new SQLite connection parses the whole schema (~575 tables and indexes)
    # before its first statement — ~3.5 ms, as much as a simple API request's own work.
    DATABASES["default"]["ENGINE"] = "jxc.core.db.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The hot paths' statements (jxc.core.statements) are bound on the server and prepared
    # once per connection: planned once (a generic plan), not re-planned at every posting
    # because PostgreSQL guesses custom plans cheaper. Set for the session at connect time
    # (was a SET LOCAL in every round trip of every posting); Django's own statements bind
    # on the client and carry no parameters, so the setting changes nothing for them.
    # random_page_cost 1.1 (the server's default, 4, prices a random page as a disk seek):
    # a 进销存 database lives in memory or on SSD, where an index probe is nearly as cheap
    # as reading a page in order. At 4 the planner reads small tables whole — every SKU,
    # balance, pool and cost layer on every posting — until they pass some thousands of
    # rows; the posting's plans are cached for the connection, so they keep that choice.
    # docs/adr/0008-postgresql-planner-costs.md.
    # Django's backend whose transactions the document flow may open without its atomic
    # wrappers, as on SQLite (jxc.core.db.postgresql.base).
    DATABASES["default"]["ENGINE"] = "jxc.core.db.postgresql"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        _options.get("options", "")
        + " -c plan_cache_mode=force_generic_plan -c random_page_cost=1.1"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("JXC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jxc.web.views.auth.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["jxc.formats"]  # dates 2026-12-06 and numbers 1,042.80 in every language
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications (docs/approvals.md): e-mail over SMTP, links in messages to JXC_SITE_URL.
EMAIL_BACKEND = os.environ.get("JXC_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("JXC_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JXC_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JXC_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JXC_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("JXC_SMTP_STARTTLS")
EMAIL_USE_SSL = _env_bool("JXC_SMTP_SSL")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = os.environ.get("JXC_MAIL_FROM", "jxc@localhost")
JXC_SITE_URL = os.environ.get("JXC_SITE_URL", "").rstrip("/")
# 店内码: the prefix of the internal EAN-13 barcodes given to variants added later
# (GS1 restricted circulation, 2–7 digits starting with 2; jxc.core.barcodes).
JXC_INTERNAL_BARCODE_PREFIX = os.environ.get("JXC_INTERNAL_BARCODE_PREFIX", "200")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("JXC_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JXC_LOG_LEVEL", "WARNING")},
}
