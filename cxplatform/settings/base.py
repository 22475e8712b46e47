"""Settings shared by every environment; values come from the environment.

Environment variables (all optional in development):
    SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL,
    DEFAULT_FROM_EMAIL, BASE_DOMAIN, ANYMAIL_ESP (with the provider's own
    ANYMAIL_* keys), CELERY_TASK_ALWAYS_EAGER, TRUSTED_PROXIES, AXES_FAILURE_LIMIT,
    AXES_COOLOFF_MINUTES, API_TOKEN_DEFAULT_DAYS, EMAIL_SEND_RATE_PER_SECOND, SMS_SEND_RATE_PER_SECOND,
    EMAIL_BATCH_SIZE, EMAIL_SEND_PARALLEL, PERSONAL_DATA_EXPORT_TTL_DAYS,
    CONN_MAX_AGE (seconds a database connection is reused; 0 here, 60 in
    production), CONN_HEALTH_CHECKS (check a reused connection before using it;
    off here, on in production), DATABASE_REPLICA_URL,
    DATABASE_REPLICA_MAX_LAG_SECONDS, DATABASE_REPLICA_LAG_CHECK_SECONDS (a read
    replica, see apps/core/db_routing.py), CELERY_WORKER_CONCURRENCY,
    CELERY_WORKER_PREFETCH_MULTIPLIER, WORKER_HEARTBEAT_SECONDS,
    WORKER_HEARTBEAT_MAX_AGE_SECONDS, HEALTH_CHECK_TIMEOUT_SECONDS (the health
    probes, see apps/core/health.py). docs/scaling.md says how to use them.

TRUSTED_PROXIES lists the reverse proxies in front of the app, as addresses or
networks ("10.0.0.0/8,fd00::/8"). Only a request whose connecting address is in
that list has its client address read from X-Forwarded-For (see
apps/core/client_address.py); empty, the default, trusts no header, which is
right when the app server faces the clients itself.

DJANGO_SETTINGS_MODULE: manage.py defaults to .local; the servers (wsgi.py)
and the Celery app default to .production, so a server started without
it runs with DEBUG off and refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1"])

# The public domain hosts the platform operators' admin; each company lives on
# <slug>.<BASE_DOMAIN>. Links in emails are built as SITE_SCHEME://<domain>[:SITE_PORT]/...
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
SITE_SCHEME = env("SITE_SCHEME", default="https")
SITE_PORT = env("SITE_PORT", default="")

# The reverse proxies whose X-Forwarded-For is believed; rate limits key on the
# client address read through them (apps.core.client_address.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
RATELIMIT_IP_META_KEY = "apps.core.client_address.client_ip"
# A failed CSRF check (a browser that blocks cookies) gets a translated page, not Django's English one.
CSRF_FAILURE_VIEW = "apps.core.error_pages.csrf_failure"

# --- Applications -----------------------------------------------------------
# Public schema: the companies and their domains, the operators' accounts and the
# periodic-task schedule. Each company's schema: its own users, sessions, tokens
# and every CX object, so nothing of one company can reach another.
SHARED_APPS = [
    "django_tenants",
    "apps.core",
    "apps.tenants",
    "apps.accounts",
    # Operators' sign-ins and actions are logged in the public schema, a company's in its own.
    "apps.audit",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "anymail",
    # Failed logins are counted in the schema they happen in: the operators' here.
    "axes",
    "apps.demo",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    # Each company counts its own failed logins, so one company's lockouts never reach another.
    "axes",
    "simple_history",
    "apps.outbox",
    "apps.accounts",
    "apps.audit",
    "apps.audit_log",
    "apps.privacy",
    "apps.personas",
    "apps.journeys",
    "apps.customers",
    "apps.locations",
    "apps.encounters",
    "apps.cases",
    "apps.surveys",
    "apps.metrics",
    "apps.pos",
    "apps.themes",
    "apps.maturity",
    "apps.alerts",
    "apps.initiatives",
    "apps.dashboards",
    "apps.onboarding",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "cxplatform.urls_public"
ROOT_URLCONF = "cxplatform.urls_tenants"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# New companies are copies of this schema, which migrate_schemas keeps at the latest migration
# (apps/tenants/schema_template.py); Tenant.create_schema copies it itself, so django-tenants'
# TENANT_CREATION_FAKES_MIGRATIONS (its own clone function) stays off. Empty: migrate each new company.
TENANT_BASE_SCHEMA = env("TENANT_BASE_SCHEMA", default="_company_template")
# migrate_schemas skips the schemas already at the latest migration and migrates the template too.
GET_EXECUTOR_FUNCTION = "apps.tenants.migration_executor.migration_executor"
# One `SET search_path` after each switch of company (and after a rollback or reconnect),
# not one before every query: the backend remembers what it set. Safe as long as nothing
# runs SET search_path by hand (tests/tenants/test_search_path.py).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # First: the health probes answer without a company lookup or a host check.
    "apps.core.middleware.HealthProbeMiddleware",
    "apps.tenants.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may sign in or write: which door (page, API, admin) an audit entry names.
    "apps.audit.context.AuditSourceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view is marked login_not_required;
    # API views are left to DRF (see apps/core/access.py).
    "apps.core.access.LoginRequiredMiddleware",
    "apps.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.ProtectedDeleteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.capabilities",
            ],
        },
    },
]

# --- Security headers -------------------------------------------------------------
# Every page loads its scripts and styles from our own static files: no inline
# script, no on*= handler, no style= attribute. A page that must write an inline
# <style> (the path map's column geometry) or <script> marks it with the request's
# nonce ({{ request.csp_nonce }}), which is added to the header only when used.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no page uses, switched off so an injected script or frame cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

WSGI_APPLICATION = "cxplatform.wsgi.application"

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cxplatform"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Connection reuse: seconds a connection is kept after a request (0: closed at once,
# the development default); health checks test a reused connection before its use.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
# A read replica (a PostgreSQL streaming standby), optional: reads marked with
# apps.core.db_routing.replica_reads (dashboards, exports, the scores API) go there
# while its replay is at most DATABASE_REPLICA_MAX_LAG_SECONDS behind the primary,
# measured at most every DATABASE_REPLICA_LAG_CHECK_SECONDS per process; else, and for
# every write, the primary. Put ?connect_timeout=2 in the URL so a replica that is away
# costs seconds once, not a hung request.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = "django_tenants.postgresql_backend"
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    # Tests have no second server: the replica is the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
DATABASE_REPLICA_LAG_CHECK_SECONDS = env.float("DATABASE_REPLICA_LAG_CHECK_SECONDS", default=1.0)
DATABASE_ROUTERS = ["apps.core.db_routing.ReplicaRouter", "django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (keys are prefixed with the schema, so no company reads another's) --
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cx"),
    }
}

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out email and address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the signed-in user with their location scope in one query.
    "apps.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one email
# from one address lock that pair for AXES_COOLOFF_MINUTES, counted again from each
# further try; a successful login clears the count. The login page, the admin
# login and POST /api/v1/auth/token/ all count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
# Successful logins are not kept: an address log that nothing reads or prunes.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# API tokens: the lifetime a new token gets unless its owner picks another, and the longest allowed.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = 365

# Retention (apps.privacy.retention): fixed times, the same in every company. An uploaded
# customer file and its report are deleted this long after the import finished (the row keeps
# its counts); an outgoing email's recipient, subject and body this long after it was sent,
# failed or was cancelled (the row keeps its kind, status and times).
CUSTOMER_IMPORT_FILE_TTL = timedelta(days=env.int("CUSTOMER_IMPORT_FILE_TTL_DAYS", default=7))
OUTBOUND_EMAIL_BODY_TTL = timedelta(days=env.int("OUTBOUND_EMAIL_BODY_TTL_DAYS", default=30))
# Rows anonymised per transaction: a worker killed mid-run loses at most one batch's work.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=500)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Swedish as written in Finland: dates d.m.yyyy as in Finnish, not Sweden's yyyy-mm-dd.
FORMAT_MODULE_PATH = ["cxplatform.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# --- Email ----------------------------------------------------------------------
# EMAIL_URL: smtp://user:pass@host:port (default: a local SMTP sink on 1025).
# ANYMAIL_ESP switches to a provider through django-anymail, e.g. "mailgun".
_email = env.email("EMAIL_URL", default="smtp://127.0.0.1:1025")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
ANYMAIL_ESP = env("ANYMAIL_ESP", default="")
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
    ANYMAIL = {
        key.removeprefix("ANYMAIL_"): value
        for key, value in env.ENVIRON.items()
        if key.startswith("ANYMAIL_") and key != "ANYMAIL_ESP"
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kokemus <no-reply@kokemus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
# The provider's sending limit, messages a second for the whole platform (every company and worker
# share it through a token bucket in Redis, apps/outbox/rate.py); 0 for no limit. The default suits
# a small provider plan (Amazon SES starts production accounts at 14/s); set it to your provider's.
EMAIL_SEND_RATE_PER_SECOND = env.float("EMAIL_SEND_RATE_PER_SECOND", default=20.0)
# Survey emails one send task takes and delivers over one SMTP connection (fewer when the rate
# would make a batch last over 20 s), and how many such tasks of one company run side by side.
EMAIL_BATCH_SIZE = env.int("EMAIL_BATCH_SIZE", default=100)
EMAIL_SEND_PARALLEL = env.int("EMAIL_SEND_PARALLEL", default=2)

# --- Text messages (docs/sms.md) ------------------------------------------------
# SMS_BACKEND names the provider's class in apps/outbox/sms_backends.py, as EMAIL_BACKEND does.
SMS_BACKEND = env("SMS_BACKEND", default="apps.outbox.sms_backends.GatewayApiBackend")
SMS_GATEWAYAPI_URL = env("SMS_GATEWAYAPI_URL", default="https://gatewayapi.com/rest/mtsms")
SMS_GATEWAYAPI_TOKEN = env("SMS_GATEWAYAPI_TOKEN", default="")
# The longest a provider may take to answer one send before the try counts as failed (and is retried).
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)
# The sender a phone shows when a company has not set one: at most 11 letters and digits.
SMS_SENDER_DEFAULT = env("SMS_SENDER_DEFAULT", default="Kokemus")
# The SMS provider's sending limit, text messages a second for the whole platform: a token bucket
# in Redis of its own (apps/outbox/rate.py), so a slow SMS account never holds email back, nor the
# other way round; 0 for no limit. Set it to your provider account's.
SMS_SEND_RATE_PER_SECOND = env.float("SMS_SEND_RATE_PER_SECOND", default=10.0)

# --- Webhooks (docs/alerts.md) --------------------------------------------------
# The longest a receiver may take to answer one delivery before the try counts as failed (and is retried).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Plain http and private, loopback and link-local addresses as webhook targets: on in development
# only. Off, a webhook must be https to a public address, checked again at every send (SSRF).
WEBHOOK_ALLOW_LOCAL = env.bool("WEBHOOK_ALLOW_LOCAL", default=DEBUG)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed by default: a view that names no capability is refused (PublicApiMixin opens one).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.core.access.HasCapability",
    ],
    # DRF's own two, the browsable API with the CSP's allowance for its inline styles.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "apps.core.renderers.BrowsableApiRenderer"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kokemus API",
    "DESCRIPTION": "Customer-experience management: service paths, customers, encounters, surveys and metrics. "
    "Every request is served in the company of the host it is sent to.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for the company's signed-in users and integrations.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON: a form encoding cannot say null or nest objects.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Choice sets that share a field name get distinct component names.
    "ENUM_NAME_OVERRIDES": {
        "OwnershipRoleEnum": "apps.journeys.models.OwnershipRole.choices",
        "UserRoleEnum": "apps.accounts.models.Role.choices",
        "LanguageEnum": "apps.customers.models.Language.choices",
        "FeelingEnum": "apps.encounters.models.Feeling.choices",
        "ConsentSourceEnum": "apps.customers.models.ConsentSource.choices",
        "ConsentSourceOfClientsEnum": "apps.customers.models.CONSENT_SOURCES_GIVEN_BY_CLIENTS",
        "TouchpointChannelEnum": "apps.journeys.models.Channel.choices",
        "InvitationChannelEnum": "apps.surveys.models.InvitationChannel.choices",
        "CaseStatusEnum": "apps.cases.models.CaseStatus.choices",
        "CaseTransitionStatusEnum": "apps.cases.apis.CASE_TRANSITION_STATUSES",
        "CaseEventKindEnum": "apps.cases.models.CaseEventKind.choices",
        "AlertDestinationKindEnum": "apps.alerts.models.DestinationKind.choices",
        "AlertRuleKindEnum": "apps.alerts.models.RuleKind.choices",
        "ShareLinkStatusEnum": "apps.dashboards.report_apis.SHARE_LINK_STATUSES",
        # The consent ledger's, named before the cases' history brought a second `kind`.
        "KindEnum": "apps.customers.models.ConsentKind.choices",
    },
}

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Tasks one worker runs at once (prefork processes); unset or 0, Celery starts one per CPU.
# Sending email mostly waits on the mail server and PostgreSQL, so a few more than cores keeps
# the line busy. Scale out with more workers (docker-compose up --scale worker=N) rather than
# one huge pool.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=0) or None
# One task reserved per process: a long task never holds others back on a busy process.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# How long a worker holds an email it is sending before another may take it over. It must
# outlast a slow but living send (EMAIL_TIMEOUT per step of the SMTP dialogue), and it is what
# a message waits after its worker was killed mid-send, plus up to one outbox sweep.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=60)
# Installed into django-celery-beat's tables at beat start; editable in the operators' admin.
CELERY_BEAT_SCHEDULE = {
    "survey-dispatch": {"task": "apps.surveys.tasks.survey_dispatch_all", "schedule": 60.0},
    # Retries and the messages of a killed worker; a new message is sent at once, not by this sweep.
    "outbox-dispatch": {"task": "apps.outbox.tasks.outbox_dispatch_all", "schedule": 15.0},
    "metrics-refresh": {"task": "apps.metrics.tasks.metrics_refresh_all", "schedule": 60.0},
    "metrics-recompute": {"task": "apps.metrics.tasks.metrics_recompute_all", "schedule": crontab(hour=2, minute=30)},
    # Late follow-up cases: the assignee's reminder, then the escalation to their manager.
    "cases-late-follow-up": {"task": "apps.cases.tasks.cases_late_follow_up_all", "schedule": crontab(minute="*/15")},
    "maturity-snapshot": {"task": "apps.maturity.tasks.maturity_snapshot_all", "schedule": crontab(hour=3, minute=30)},
    # Hourly, so each company's Monday 07:00 is caught in its own time zone.
    "leadership-digest": {"task": "apps.dashboards.tasks.digest_dispatch_all", "schedule": crontab(minute=5)},
    # Alerts: cases past their due time every quarter hour; NPS drops week over week on Mondays.
    "alerts-cases-late": {"task": "apps.alerts.tasks.alerts_case_late_check_all", "schedule": crontab(minute="*/15")},
    "alerts-nps-drop": {
        "task": "apps.alerts.tasks.alerts_nps_drop_check_all",
        "schedule": crontab(day_of_week=1, hour=6, minute=40),
    },
    # Nightly, after the roll-ups and the maturity snapshot: anonymise what is past its time.
    "retention-run": {"task": "apps.privacy.tasks.retention_run_all", "schedule": crontab(hour=4, minute=15)},
}

# --- Personal data ------------------------------------------------------------
# A prepared per-person export (apps.privacy) can be downloaded this long; then it is deleted.
PERSONAL_DATA_EXPORT_TTL = timedelta(days=env.int("PERSONAL_DATA_EXPORT_TTL_DAYS", default=7))

# --- Health probes and worker heartbeats -------------------------------------------
# /health/live/ answers from the process alone; /health/ready/ (and /health/) checks the
# database, Redis and a worker heartbeat. Each worker writes its heartbeat every
# WORKER_HEARTBEAT_SECONDS; readiness wants one no older than WORKER_HEARTBEAT_MAX_AGE_SECONDS.
WORKER_HEARTBEAT_KEY = env("WORKER_HEARTBEAT_KEY", default="kokemus:worker-heartbeats")
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.float("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=30.0)
# How long readiness waits on Redis before it calls it unavailable.
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=0.5)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
