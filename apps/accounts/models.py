import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Company admin")
    MANAGER = "manager", _("Manager")
    FRONTLINE = "frontline", _("Frontline")


# Model permissions a role gets in the Django admin. Company admins run the
# company (users included); managers run the CX model but not the accounts.
_ADMIN_APPS_CLOSED_TO_MANAGERS = frozenset({"accounts", "auth", "axes", "admin", "outbox"})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("role", Role.ADMIN)
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class Team(TimeStampedModel):
    """A group of colleagues (a desk, a crew). Perception gaps are reported per team, never per person."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # The first step of a late case's escalation (apps/cases/escalation.py); an active user of the company,
    # checked by apps.accounts.services.team_update.
    lead = models.ForeignKey(
        "accounts.User",
        verbose_name=_("team lead"),
        related_name="teams_led",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to one company (or, in the public schema, a platform operator).

    Users live in their company's schema: an account, its sessions and its API
    tokens do not exist on another company's domain.
    """

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.FRONTLINE)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        related_name="members",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email

    @property
    def is_staff(self) -> bool:
        """Admin-site access follows the role; there is no separate flag to forget. The admin lists whole
        tables, so a manager scoped to some locations has none."""
        from apps.accounts.capabilities import can_use_admin_site  # the kernel imports this module

        return self.is_active and (self.is_superuser or can_use_admin_site(self))

    def has_perm(self, perm: str, obj: object = None) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser or self.role == Role.ADMIN:
            return True
        if self.role == Role.MANAGER:
            return perm.split(".", 1)[0] not in _ADMIN_APPS_CLOSED_TO_MANAGERS
        return False

    def has_module_perms(self, app_label: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser or self.role == Role.ADMIN:
            return True
        return self.role == Role.MANAGER and app_label not in _ADMIN_APPS_CLOSED_TO_MANAGERS


class ApiToken(models.Model):
    """A user's named API key, valid on its own company's domain until it expires or is revoked.

    Only the SHA-256 digest of the key is stored: the key is shown once, when it is
    issued, and cannot be read back from the database, the admin or the API. A plain
    hash (no salt, no HMAC) is enough for a key of 320 random bits and keeps the
    tokens valid when SECRET_KEY is rotated.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), related_name="api_tokens", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, help_text=_("The first characters of the key."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, *, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
