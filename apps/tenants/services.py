"""Provisioning of companies: schema, domain and first admin, all or nothing."""

import logging
import re
import secrets
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import get_urlconf, set_urlconf
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.invitations import user_invitation_send_from_elsewhere
from apps.accounts.models import Role, User
from apps.accounts.selectors import user_by_email
from apps.accounts.services import password_validate, user_create
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.tenants.colour_contrast import colour_normalise
from apps.tenants.logos import logo_prepare
from apps.tenants.models import Domain, Tenant
from apps.tenants.selectors import company_host
from apps.tenants.time_zone_listeners import company_time_zone_moved

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_RESERVED_SLUGS = frozenset({"public", "www", "admin", "api", "static", "media", "mail", "app"})


def company_domain_for(*, slug: str) -> str:
    """The default domain of a company: <slug>.<BASE_DOMAIN>."""
    return f"{slug}.{settings.BASE_DOMAIN}"


def _schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def company_validate_new(*, name: str, slug: str, domain: str, admin_email: str, admin_password: str | None) -> None:
    """Raise DomainError with every field problem of a company about to be created."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if not _SLUG.match(slug) or slug.endswith("-") or slug.startswith("pg") or slug in _RESERVED_SLUGS:
        errors["slug"] = [
            _("Use 2-40 lowercase letters, digits and hyphens, starting with a letter (not 'pg' or a reserved word).")
        ]
    elif Tenant.objects.filter(schema_name=_schema_name_for(slug)).exists():
        errors["slug"] = [_("A company with this identifier already exists.")]
    if Domain.objects.filter(domain=domain).exists():
        errors["domain"] = [_("This domain is already in use.")]
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = [_("Enter a valid email address.")]
    if admin_password:
        try:
            password_validate(admin_password, user=User(email=admin_email, role=Role.ADMIN))
        except DomainError as error:
            errors["admin_password"] = error.fields.get("password", [error.message])
    if errors:
        raise DomainError(_("The company cannot be created."), fields=errors)


def company_create(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_password: str | None = None,
    admin_full_name: str = "",
    domain: str | None = None,
    language: str = "fi",
    time_zone: str = "Europe/Helsinki",
) -> Tenant:
    """Create a company: its schema (a copy of the template, see schema_template), its domain and its first admin.

    Creating a schema cannot share a transaction with the rows around it, so a
    failure after the schema exists drops the schema again: nothing is left
    half-made.
    """
    slug = slug.strip().lower()
    domain = (domain or company_domain_for(slug=slug)).strip().lower()
    admin_email = admin_email.strip().lower()
    # django-tenants creates tenants only from the public schema; callers may be
    # inside a company's context (a task, a test), so switch for the duration.
    with schema_context(get_public_schema_name()):
        return _company_provision(
            name=name,
            slug=slug,
            domain=domain,
            admin_email=admin_email,
            admin_password=admin_password,
            admin_full_name=admin_full_name,
            language=language,
            time_zone=time_zone,
        )


def _company_provision(
    *,
    name: str,
    slug: str,
    domain: str,
    admin_email: str,
    admin_password: str | None,
    admin_full_name: str,
    language: str,
    time_zone: str,
) -> Tenant:
    company_validate_new(name=name, slug=slug, domain=domain, admin_email=admin_email, admin_password=admin_password)

    tenant = Tenant(schema_name=_schema_name_for(slug), name=name.strip(), language=language, time_zone=time_zone)
    tenant.save(verbosity=0)  # creates and migrates the schema; drops it again if that fails
    try:
        with transaction.atomic():
            Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
            with schema_context(tenant.schema_name):
                user_create(
                    email=admin_email,
                    full_name=admin_full_name,
                    role=Role.ADMIN,
                    password=admin_password,
                    language=language,
                    validate_password_strength=False,
                )
    except Exception:
        logger.exception("provisioning of %s failed; dropping its schema", tenant.schema_name)
        if connection.in_atomic_block:
            # Inside a caller's transaction (the admin wraps its forms in one) the
            # migrations' deferred foreign-key checks are still pending, and
            # PostgreSQL refuses to drop tables with pending trigger events.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tenant.delete(force_drop=True)
        raise
    logger.info("company %s provisioned on %s", tenant.schema_name, domain)
    return tenant


def company_admin_invite(*, tenant: Tenant, email: str) -> None:
    """Email a new company's first admin the link to choose a password (a company created without one).

    Runs after the company's creation committed, in its schema and a transaction of its own, so the
    outbox hands the email to a worker of that company once this commits.
    """
    operators_urls = get_urlconf()
    # The link is to the company's pages; the operators' request that runs this resolves only theirs.
    set_urlconf(settings.ROOT_URLCONF)
    try:
        with schema_context(tenant.schema_name), transaction.atomic():
            user = user_by_email(email=email, include_inactive=False)
            if user is None or user.has_usable_password():
                return
            user_invitation_send_from_elsewhere(
                user=user,
                company=tenant,
                domain=company_host(tenant=tenant),
                use_https=settings.SITE_SCHEME == "https",
            )
    finally:
        set_urlconf(operators_urls)


@transaction.atomic
def public_tenant_ensure(*, domain: str | None = None) -> Tenant:
    """The public schema's tenant row and its domain, which serve the operators' admin."""
    domain = domain or settings.BASE_DOMAIN
    tenant, _created = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "Kokemus platform"}
    )
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": tenant, "is_primary": True})
    return tenant


@transaction.atomic
def company_update_settings(
    *, tenant: Tenant, name: str, language: str, time_zone: str, acting_user: User | None = None
) -> Tenant:
    """Change the company's name, language and time zone; logged in the company's own audit log.

    A new time zone moves the local days that reports count in: the apps that keep such counts
    hear of it once this commits (apps/tenants/time_zone_listeners.py).
    """
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = {"name": tenant.name, "language": tenant.language, "time_zone": tenant.time_zone}
    moved = tenant.time_zone != time_zone
    tenant.name = name.strip() or tenant.name
    tenant.language = language
    tenant.time_zone = time_zone
    tenant.save(update_fields=["name", "language", "time_zone"])
    after = {"name": tenant.name, "language": tenant.language, "time_zone": tenant.time_zone}
    extra = audit_changes(before=before, after=after, values_kept=("language", "time_zone"))
    if extra:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=tenant, extra=extra)
    if moved:
        transaction.on_commit(lambda: company_time_zone_moved(tenant=tenant))
    return tenant


# --- Branding (docs/branding.md) -------------------------------------------------------------

SENDER_NAME_MAX = 80


def company_branding_validate(*, brand_colour: str, sender_name: str, reply_to: str) -> dict[str, str]:
    """The three values cleaned ("#rrggbb", one line, an address), or DomainError naming each problem.

    The sender name and the address go into email headers: a line break there would let the text
    add headers of its own, so any control character is refused, not just stripped.
    """
    errors: dict[str, list[str]] = {}
    cleaned = {"brand_colour": "", "sender_name": sender_name.strip(), "reply_to": reply_to.strip().lower()}
    if brand_colour.strip():
        try:
            cleaned["brand_colour"] = colour_normalise(brand_colour)
        except ValueError:
            errors["brand_colour"] = [_("Enter the colour as a hex code, for example #0b6e69.")]
    name = cleaned["sender_name"]
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        errors["sender_name"] = [_("The sender name must be a single line of text.")]
    elif len(name) > SENDER_NAME_MAX:
        errors["sender_name"] = [_("The sender name can be at most %(count)d characters.") % {"count": SENDER_NAME_MAX}]
    elif "@" in name:
        # A name that looks like an address ("support@bank.example") misleads the reader about who wrote.
        errors["sender_name"] = [_("The sender name cannot contain an email address or the @ sign.")]
    if cleaned["reply_to"]:
        try:
            validate_email(cleaned["reply_to"])
        except ValidationError:
            errors["reply_to"] = [_("Enter a valid email address.")]
    if errors:
        raise DomainError(_("The branding was not saved."), fields=errors)
    return cleaned


def _branding_audit(*, tenant: Tenant, before: dict[str, object], acting_user: User | None) -> None:
    after = {name: getattr(tenant, name) for name in before}
    # The colour is kept in the log; the sender name and reply-to may name a person, so only that they changed.
    extra = audit_changes(before=before, after=after, values_kept=("brand_colour",))
    if extra:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=tenant, extra=extra)


@transaction.atomic
def company_branding_update(
    *, tenant: Tenant, brand_colour: str, sender_name: str, reply_to: str, acting_user: User | None = None
) -> Tenant:
    """Set the brand colour, the sender name and the reply-to address; an empty value restores the default."""
    cleaned = company_branding_validate(brand_colour=brand_colour, sender_name=sender_name, reply_to=reply_to)
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = {name: getattr(tenant, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(tenant, name, value)
    tenant.save(update_fields=list(cleaned))
    _branding_audit(tenant=tenant, before=before, acting_user=acting_user)
    return tenant


def _logo_file_forget(name: str) -> None:
    """Delete a logo file once the change that let go of it has committed."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def company_logo_replace(
    *, tenant: Tenant, upload: IO[bytes], size: int | None = None, acting_user: User | None = None
) -> Tenant:
    """Check and re-encode an uploaded logo (apps/tenants/logos.py), store it under a random name in the
    company's own folder, and show it from now on; the previous logo's file is deleted."""
    logo = logo_prepare(upload=upload, size=size)
    # A new random name on every upload: the address changes with the picture, so it may be cached for good.
    name = default_storage.save(
        f"branding/{tenant.schema_name}/{secrets.token_urlsafe(18)}.png", ContentFile(logo.content)
    )
    try:
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        before = {"logo": tenant.logo}
        tenant.logo, tenant.logo_width, tenant.logo_height = name, logo.width, logo.height
        tenant.save(update_fields=["logo", "logo_width", "logo_height"])
        _branding_audit(tenant=tenant, before=before, acting_user=acting_user)
    except Exception:
        # The file was written before the row names it: a failed write must not leave it behind.
        default_storage.delete(name)
        raise
    _logo_file_forget(before["logo"])
    return tenant


@transaction.atomic
def company_logo_remove(*, tenant: Tenant, acting_user: User | None = None) -> Tenant:
    """Show no logo any more (the company's name stays); the file is deleted."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = {"logo": tenant.logo}
    if not tenant.logo:
        return tenant
    tenant.logo, tenant.logo_width, tenant.logo_height = "", None, None
    tenant.save(update_fields=["logo", "logo_width", "logo_height"])
    _logo_file_forget(before["logo"])
    _branding_audit(tenant=tenant, before=before, acting_user=acting_user)
    return tenant
