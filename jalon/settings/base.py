"""Settings shared by every environment. Everything that differs between them comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, SELF


BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The Département this instance serves: shown in the header, default scope of the demo.
JALON_DEPARTEMENT_CODE = env.str("JALON_DEPARTEMENT_CODE", default="40")
JALON_DEPARTEMENT_NAME = env.str("JALON_DEPARTEMENT_NAME", default="Landes")
JALON_SITE_URL = env.str("JALON_SITE_URL", default="http://127.0.0.1:8000")
# Geocoding of postal addresses (Base Adresse Nationale or a Département's addok): empty disables it (decision 0014).
JALON_GEOCODER_URL = env.str("JALON_GEOCODER_URL", default="")
JALON_GEOCODER_MIN_SCORE = env.float("JALON_GEOCODER_MIN_SCORE", default=0.5)
# France Travail's partner services (docs/france-travail.md): empty URL = not connected (the screens say so). The
# local simulator answers the same contract (`python -m jalon.francetravail.simulator`).
FRANCE_TRAVAIL_API_URL = env.str("FRANCE_TRAVAIL_API_URL", default="")
FRANCE_TRAVAIL_TOKEN_URL = env.str(
    "FRANCE_TRAVAIL_TOKEN_URL",
    default="https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire",
)
FRANCE_TRAVAIL_CLIENT_ID = env.str("FRANCE_TRAVAIL_CLIENT_ID", default="")
FRANCE_TRAVAIL_CLIENT_SECRET = env.str("FRANCE_TRAVAIL_CLIENT_SECRET", default="")
FRANCE_TRAVAIL_SCOPE = env.str("FRANCE_TRAVAIL_SCOPE", default="")
FRANCE_TRAVAIL_TIMEOUT = env.float("FRANCE_TRAVAIL_TIMEOUT", default=5)
FRANCE_TRAVAIL_RETRIES = env.int("FRANCE_TRAVAIL_RETRIES", default=2)
# Two-factor authentication for professionals; production settings force it on.
JALON_REQUIRE_2FA = env.bool("JALON_REQUIRE_2FA", default=False)

# Current DSFR guidance: mark optional fields, not required ones.
DSFR_MARK_OPTIONAL_FIELDS = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # dsfr before django.forms, so its widget templates (checkboxes, radios) win.
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "jalon.core",
    "jalon.accounts",
    "jalon.territories",
    "jalon.organisations",
    "jalon.inbox",
    "jalon.people",
    "jalon.intake",
    "jalon.orientation",
    "jalon.notebook",
    "jalon.offer",
    "jalon.employers",
    "jalon.exits",
    "jalon.duties",
    "jalon.employment",
    "jalon.messaging",
    "jalon.privacy",
    "jalon.observatory",
    "jalon.programme",
    "jalon.francetravail",
    "jalon.participation",
    "jalon.evaluation",
    "jalon.surveys",
    "jalon.api",
    "jalon.workspace",
    "jalon.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jalon.core.middleware.RequestContextMiddleware",
    "jalon.core.middleware.NoStoreMiddleware",
    "jalon.organisations.middleware.CurrentOrganisationMiddleware",
    "jalon.accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks, so that it sees every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jalon.urls"
WSGI_APPLICATION = "jalon.wsgi.application"
ASGI_APPLICATION = "jalon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jalon" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jalon.core.context_processors.shell",
                "jalon.inbox.context_processors.inbox",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'jalon.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast rather than queue forever behind a lock (values from les-emplois' guard rails). No JIT: it compiles
    # a query its cost estimate calls large (45–75 ms for the observatory summary's read of the stored values, for a
    # 30 ms scan) and never pays it back on a web page's queries; the batch computations turned it off already.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        "-c statement_timeout={} -c lock_timeout={} -c jit=off".format(
            env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000), env.int("DB_LOCK_TIMEOUT_MS", default=10_000)
        ),
    )
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo (`make run`) serves several visitors from one SQLite file. Each request's transaction takes the write
    # lock when it begins and waits for it (up to 20 s): two simultaneous saves of one carnet then meet the carnet's
    # version check (the conflict message), instead of the second failing with « database is locked ».
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A second connection so that a long import can report its progress outside its own transaction.
    DATABASES["progress"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}

# A PostgreSQL streaming replica for the observatory's reads (jalon/observatory/routers.py); without it, everything
# reads from the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
    }
DATABASE_ROUTERS = ["jalon.observatory.routers.ReplicaRouter"]

# Background work (large imports…) in the database: `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Uploaded files (imports) are private: they are never served by URL and are deleted once processed.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Counts over a whole Département (the size of a queue, the delays summary, the figures pages) are kept this long in
# a cache that the app server's workers share (`jalon.core.aggregates`); lists and a person's data are never cached.
JALON_AGGREGATE_SECONDS = env.int("JALON_AGGREGATE_SECONDS", default=120)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "aggregates": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.path("JALON_CACHE_DIR", default=BASE_DIR / "var" / "cache"),
        "TIMEOUT": JALON_AGGREGATE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Batch commands that run in one thread and render no template: they skip loading the template engines at start
# (`jalon.core.apps`; some 0.2 s of each start, a tenth of a monthly CAF import whose households are unchanged).
JALON_COMMANDS_WITHOUT_TEMPLATES = frozenset({"import_caf_flux"})
# Where `seed_demo` writes the demo CAF/MSA files it then imports.
JALON_DEMO_DIR = env.path("JALON_DEMO_DIR", default=BASE_DIR / "var" / "demo")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions end after a period of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=4 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock a (login, IP) pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Django's login form posts the e-mail in a field named "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# Optional ProConnect / OIDC login, switched on by giving a client id.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("jalon.accounts.oidc.JalonOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email given_name usual_name siret")
    OIDC_CREATE_USER = False  # Only invited professionals may sign in.
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "jalon" / "static", ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Pinned npm packages (reference data, vendored assets) live here.
NODE_MODULES_DIR = BASE_DIR / "node_modules"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jalon <ne-pas-repondre@jalon.localhost>")

# Messages to persons (docs/decisions/0009): one sender per channel. SMS go out through Brevo only when its API
# key is given; otherwise they are recorded, not sent. The sender name is at most 11 letters and digits.
JALON_BREVO_API_KEY = env.str("JALON_BREVO_API_KEY", default="")
JALON_BREVO_SMS_URL = env.str("JALON_BREVO_SMS_URL", default="https://api.brevo.com/v3/transactionalSMS/sms")
JALON_SMS_SENDER = env.str("JALON_SMS_SENDER", default="Departement")
JALON_MESSAGE_BACKENDS = {
    "email": "jalon.messaging.backends.EmailBackend",
    "sms": (
        "jalon.messaging.backends.BrevoSmsBackend"
        if JALON_BREVO_API_KEY
        else "jalon.messaging.backends.RecordingBackend"
    ),
    "letter": "jalon.messaging.backends.LetterBackend",
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Partners' systems: hashed, scoped, expiring tokens issued by administrators. First, so that a missing or
        # refused token answers 401 with its WWW-Authenticate header.
        "jalon.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every list pages, at most 200 a page (jalon.api.pagination).
    "DEFAULT_PAGINATION_CLASS": "jalon.api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Jalon",
    "DESCRIPTION": "API du système d'information du parcours d'insertion (RSA).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Redoc served from our own static files (pinned package), not a CDN the CSP refuses.
    "REDOC_DIST": "SIDECAR",
    # Ids in paths are bigints (jalon.core.converters.IdConverter): larger numbers answer 404.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jalon.api.schema.error_responses",
    ],
    # Choice sets shared by several APIs get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "MessageChannelEnum": "jalon.messaging.enums.MessageChannel",
        "ActionSheetStatusEnum": "jalon.programme.enums.ActionStatus",
        "MessageKindEnum": "jalon.messaging.enums.MessageKind",
        "MessageStatusEnum": "jalon.messaging.enums.MessageStatus",
        "OrientationTypeEnum": "jalon.orientation.enums.OrientationType",
        "SessionKindEnum": "jalon.orientation.enums.SessionKind",
        "SessionModeEnum": "jalon.orientation.enums.SessionMode",
        "SessionStageEnum": "jalon.orientation.enums.SessionStage",
        "InvitationKindEnum": "jalon.orientation.enums.InvitationKind",
        "InvitationResponseEnum": "jalon.orientation.enums.InvitationResponse",
        "AttendanceEnum": "jalon.orientation.enums.Attendance",
        "AbsenceFollowUpEnum": "jalon.orientation.enums.AbsenceFollowUp",
        "FreinStatusEnum": "jalon.notebook.enums.FreinStatus",
        "FreinNatureEnum": "jalon.notebook.enums.FreinNature",
        "WorkStatusEnum": "jalon.notebook.enums.WorkStatus",
        "WorkingTimeEnum": "jalon.notebook.enums.WorkingTime",
        "ContactKindEnum": "jalon.notebook.enums.ContactKind",
        "NoteVisibilityEnum": "jalon.notebook.enums.NoteVisibility",
        "ImmersionReviewOutcomeEnum": "jalon.employers.enums.ReviewOutcome",
        "JobOfferStatusEnum": "jalon.employment.enums.OfferStatus",
        # The exits' contract keeps its name now that job offers have their own.
        "ContractEnum": "jalon.exits.enums.EmploymentContract",
        "JobOfferContractEnum": "jalon.employment.enums.OfferContract",
        "PositioningStatusEnum": "jalon.employment.enums.PositioningStatus",
        "TrainingOutcomeEnum": "jalon.employment.enums.TrainingOutcome",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
JALON_INVITATION_DAYS = env.int("JALON_INVITATION_DAYS", default=14)
# Imports still pending or running after this many hours are marked failed and lose their file (intake_daily).
JALON_IMPORT_STALE_HOURS = env.int("JALON_IMPORT_STALE_HOURS", default=24)
# Keys of the NIR at rest (base64, 32 bytes each; see docs/decisions/0007). Derived from SECRET_KEY when empty.
JALON_NIR_ENCRYPTION_KEY = env.str("JALON_NIR_ENCRYPTION_KEY", default="")
JALON_NIR_HASH_KEY = env.str("JALON_NIR_HASH_KEY", default="")
# Key of the pseudonymous identifiers of the observatory's individual-history export (never the NIR's keys).
# Derived from SECRET_KEY when empty; changing it breaks the link between exports of different dates.
JALON_PSEUDONYM_KEY = env.str("JALON_PSEUDONYM_KEY", default="")
# Personal-data lifecycle (docs/decisions/0017): a person's file is anonymised this many months after the last
# contact; audit events are purged after theirs (reads and sign-ins / writes); unused accounts are deactivated.
JALON_RETENTION_MONTHS = env.int("JALON_RETENTION_MONTHS", default=24)
JALON_AUDIT_READ_RETENTION_MONTHS = env.int("JALON_AUDIT_READ_RETENTION_MONTHS", default=12)
JALON_AUDIT_WRITE_RETENTION_MONTHS = env.int("JALON_AUDIT_WRITE_RETENTION_MONTHS", default=36)
JALON_ACCOUNT_INACTIVITY_MONTHS = env.int("JALON_ACCOUNT_INACTIVITY_MONTHS", default=6)
