"""Settings for Rencai. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from rencai.secrets import load_keyring, load_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RENCAI_VAR_DIR", BASE_DIR / "var"))
PRODUCTION = os.environ.get("RENCAI_ENV") == "production"

_secrets = load_secrets(VAR_DIR, PRODUCTION)
SECRET_KEY = _secrets["RENCAI_SECRET_KEY"]
#: The algorithm suite new personal values, blind indexes and audit entries are written in:
#: ``international`` (AES-GCM, HMAC-SHA-256, SHA-256) or ``guomi`` (SM4-GCM, HMAC-SM3, SM3).
RENCAI_CRYPTO = os.environ.get("RENCAI_CRYPTO", "") or "international"
#: Every key version the application reads with and the one it writes with (docs/crypto.md).
RENCAI_KEYRING = load_keyring(VAR_DIR, PRODUCTION)

DEBUG = os.environ.get("RENCAI_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("RENCAI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("RENCAI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rencai.core",
    "rencai.orgs",
    "rencai.accounts",
    "rencai.talents",
    "rencai.services",
    "rencai.evaluation",
    "rencai.selections",
    "rencai.training",
    "rencai.returns",
    "rencai.bulletins",
    "rencai.funds",
    "rencai.cooperation",
    "rencai.projects",
    "rencai.assessment",
    "rencai.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rencai.core.middleware.ControlCharacterMiddleware",
    "rencai.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rencai.core.middleware.RequestContextMiddleware",
    "rencai.core.middleware.BadInputMiddleware",
    "rencai.accounts.middleware.RequireSecondFactorMiddleware",
    "rencai.accounts.middleware.AddressLockoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rencai.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files are served by WhiteNoise in deployments (after collectstatic) and by
    # runserver in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "rencai.urls"
WSGI_APPLICATION = "rencai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rencai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rencai.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'rencai.sqlite3'}",
        # Production reuses connections (a new PostgreSQL connection per request costs more
        # than many a page's queries), checked before reuse.
        conn_max_age=int(os.environ.get("RENCAI_DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":
    # WAL lets pages read while a background import writes; writers wait up to 30 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 30}
    )
# An optional read replica: the leader view, documents, exports and the figures'
# aggregates read from it, everything else uses the primary (rencai.core.routing). In
# tests it mirrors the primary (Django's TEST MIRROR: no database of its own).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"].get("ENGINE") == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
DATABASE_ROUTERS = ["rencai.core.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "rencai.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "rencai.accounts.validators.ChineseCommonPasswordValidator"},
    {"NAME": "rencai.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "rencai.accounts.validators.RepetitionValidator", "OPTIONS": {"max_repeat": 3, "max_sequence": 4}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie lives 30 minutes and every request renews it.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# Lock-out: 5 failed logins for one user name lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "rencai.core.context.client_ip"
#: Failed log-ins from one source address, over all user names, that lock the address for
#: the cool-off period (higher than the per-name limit: a bank's staff share one address).
RENCAI_ADDRESS_FAILURE_LIMIT = int(os.environ.get("RENCAI_ADDRESS_FAILURE_LIMIT", "10"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rencai.accounts.views.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Rencai 人才平台"
#: How long a one-time enrolment code for an administrator's authenticator stays valid.
RENCAI_ENROLMENT_CODE_HOURS = int(os.environ.get("RENCAI_ENROLMENT_CODE_HOURS", "24"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "rencai" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploads hold personal data: readable by the service account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "rencai.core.permissions.SecondFactorVerified",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rencai.core.api_policy.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rencai 金融人才工作平台 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rencai.core.api_policy.document_error_responses",
    ],
}

# --- Audit log anchor ----------------------------------------------------------------------
#: Where the signed checkpoints of the audit chain's head are written (outside the database).
RENCAI_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("RENCAI_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit"))
#: The application anchors the head every this many entries (0: only the cron command).
RENCAI_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("RENCAI_AUDIT_CHECKPOINT_EVERY", "200"))
#: The key that signs checkpoints and digests; by default derived from the secret key.
RENCAI_AUDIT_KEY = os.environ.get("RENCAI_AUDIT_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RENCAI_LOG_LEVEL", "WARNING")},
}

# Display names of the mechanisms in the left navigation, in DESIGN.md's order.
#: Headings of the navigation, by the ``nav_section`` objects declare.
RENCAI_NAV_SECTIONS = {
    "talents": _("人才信息库"),
    "pools": _("专项人才库"),
    "services": _("分层服务"),
    "selections": _("评选评审"),
    "training": _("人才培训"),
    "returns": _("统计报表"),
    "bulletins": _("信息报送"),
    "funds": _("专项资金"),
    "cooperation": _("党建联盟与交流合作"),
    "projects": _("人才工程"),
    "assessment": _("目标考核"),
    "sites": _("示范点"),
    "dashboards": _("工作目标与文稿"),
    "orgs": _("机构"),
    "accounts": _("用户与权限"),
    "setup": _("基础设置"),
    "audit": _("安全审计"),
    "help": _("帮助"),
}

RENCAI_NAV_PLANNED: list[tuple[str, str]] = []

# --- Messages (站内消息) and their e-mail / SMS delivery ----------------------------------
# Development prints e-mails on the console; production sends them through SMTP:
#   RENCAI_EMAIL_HOST, RENCAI_EMAIL_PORT (587), RENCAI_EMAIL_USER, RENCAI_EMAIL_PASSWORD,
#   RENCAI_EMAIL_TLS=1 (STARTTLS) or RENCAI_EMAIL_SSL=1, RENCAI_EMAIL_FROM.
EMAIL_BACKEND = os.environ.get(
    "RENCAI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("RENCAI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RENCAI_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("RENCAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RENCAI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("RENCAI_EMAIL_TLS", "1") == "1" and os.environ.get("RENCAI_EMAIL_SSL") != "1"
EMAIL_USE_SSL = os.environ.get("RENCAI_EMAIL_SSL") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("RENCAI_EMAIL_FROM", "rencai@localhost")
#: Whether messages go out by e-mail at all (to users who chose e-mail).
RENCAI_NOTICE_EMAIL = os.environ.get("RENCAI_NOTICE_EMAIL", "1") == "1"
#: A dotted path to a class whose ``send(mobile, text)`` sends an SMS; none is built in.
RENCAI_SMS_BACKEND = os.environ.get("RENCAI_SMS_BACKEND", "")
#: The platform's address as links in e-mails give it.
RENCAI_SITE_URL = os.environ.get("RENCAI_SITE_URL", "http://127.0.0.1:8000")

#: The leader view is the same for every leader: production keeps it this many seconds.
#: Figures (the leader view, a scope's grouped counts) are cached under the data version
#: every audited write advances (rencai.core.dataversion): never stale, so on by default;
#: RENCAI_FIGURES_CACHE=0 turns it off. Entries are dropped after RENCAI_FIGURES_CACHE_SECONDS
#: only to bound memory. (Replaces the time-based RENCAI_LEADER_CACHE_SECONDS.)
RENCAI_FIGURES_CACHE = os.environ.get("RENCAI_FIGURES_CACHE", "1") != "0"
RENCAI_FIGURES_CACHE_SECONDS = int(os.environ.get("RENCAI_FIGURES_CACHE_SECONDS", "3600"))

#: The office's name as it signs generated documents (发文机关署名).
RENCAI_OFFICE_NAME = os.environ.get("RENCAI_OFFICE_NAME", "市地方金融监督管理局")
#: The shortest publicity period (公示期, days) a selection may set.
RENCAI_PUBLICITY_MIN_DAYS = int(os.environ.get("RENCAI_PUBLICITY_MIN_DAYS", "7"))

#: Talent projects: a task turns blue this many days before its due date, and a yellow
#: warning turns red after this many days.
RENCAI_PROJECTS_BLUE_DAYS = int(os.environ.get("RENCAI_PROJECTS_BLUE_DAYS", "7"))
RENCAI_PROJECTS_YELLOW_GRACE_DAYS = int(os.environ.get("RENCAI_PROJECTS_YELLOW_GRACE_DAYS", "14"))

#: The largest lecture video accepted (bytes).
RENCAI_VIDEO_MAX_BYTES = int(os.environ.get("RENCAI_VIDEO_MAX_BYTES", str(2 * 1024 * 1024 * 1024)))

RENCAI_TRUST_X_FORWARDED_FOR = os.environ.get("RENCAI_TRUST_X_FORWARDED_FOR") == "1"
# django-axes locks per user name (many staff of one bank share one NAT address); the
# address is locked by rencai.accounts.middleware.AddressLockoutMiddleware at a higher limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Background tasks and imports ---------------------------------------------------------

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: Progress and cancel switches of running imports live outside the database, because the
#: import's own transaction holds its rows (and, on SQLite, the write lock) until it ends.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("RENCAI_IMPORT_STATE_DIR", str(VAR_DIR / "import-state")),
        "TIMEOUT": 7 * 24 * 3600,
    },
}
RENCAI_IMPORT_MAX_BYTES = int(os.environ.get("RENCAI_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
RENCAI_IMPORT_MAX_ROWS = int(os.environ.get("RENCAI_IMPORT_MAX_ROWS", "200000"))
# An xlsx sheet whose XML unpacks to more than this is read row by row (issue 22), not
# loaded whole by calamine, so that memory does not grow with the rows.
RENCAI_IMPORT_STREAM_BYTES = int(os.environ.get("RENCAI_IMPORT_STREAM_BYTES", str(24 * 1024 * 1024)))
#: The SQLite page cache (KiB) during an import's commit (0: SQLite's default, 2 MB).
RENCAI_IMPORT_SQLITE_CACHE_KIB = int(os.environ.get("RENCAI_IMPORT_SQLITE_CACHE_KIB", "32768"))
#: Files up to this size are checked while the upload waits; larger ones in the background.
RENCAI_IMPORT_INLINE_BYTES = int(os.environ.get("RENCAI_IMPORT_INLINE_BYTES", str(200 * 1024)))
#: A running import whose progress has not moved for this long is taken for a dead worker.
RENCAI_IMPORT_STALE_SECONDS = int(os.environ.get("RENCAI_IMPORT_STALE_SECONDS", "120"))
#: An uploaded import file is deleted when its job is committed, cancelled or fails; a
#: preview left unconfirmed expires (and its file is deleted) after this many hours
#: (``manage.py purge_import_files``, run from cron, or its task).
RENCAI_IMPORT_RETENTION_HOURS = int(os.environ.get("RENCAI_IMPORT_RETENTION_HOURS", "24"))
#: A list export of more rows than this is written by a background task (progress page,
#: download when ready, a message in the message centre); smaller ones stream at once.
RENCAI_EXPORT_BACKGROUND_ROWS = int(os.environ.get("RENCAI_EXPORT_BACKGROUND_ROWS", "50000"))
#: A background export's file may be downloaded for this many hours after it is written;
#: then it is deleted (``manage.py purge_export_files`` from cron, and at every new export).
RENCAI_EXPORT_RETENTION_HOURS = int(os.environ.get("RENCAI_EXPORT_RETENTION_HOURS", "24"))
