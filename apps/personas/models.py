from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TimeStampedModel


class InboundStage(models.TextChoices):
    """The inbound-marketing stage the persona's content serves (seed 001)."""

    ATTRACT = "attract", pgettext_lazy("inbound stage", "Attract")
    CONVERT = "convert", pgettext_lazy("inbound stage", "Convert")
    CLOSE = "close", pgettext_lazy("inbound stage", "Close")
    DELIGHT = "delight", pgettext_lazy("inbound stage", "Delight")


class PersonaColour(models.TextChoices):
    TEAL = "teal", _("Teal")
    ORANGE = "orange", _("Orange")
    PURPLE = "purple", _("Purple")
    BLUE = "blue", _("Blue")
    ROSE = "rose", _("Rose")
    OLIVE = "olive", _("Olive")


class PersonaIcon(models.TextChoices):
    """An emoji avatar: no image uploads to store, scan or resize."""

    NONE = "", _("Initials")
    CAR = "🚗", _("Car")
    VAN = "🚐", _("Van")
    TRUCK = "🚚", _("Truck")
    MOTORCYCLE = "🏍️", _("Motorcycle")
    FAMILY = "👨‍👩‍👧", _("Family")
    SENIOR = "🧓", _("Senior")
    BRIEFCASE = "💼", _("Briefcase")
    STUDENT = "🎓", _("Student")
    WRENCH = "🔧", _("Wrench")
    LEAF = "🌿", _("Leaf")


class BuyerPersona(TimeStampedModel):
    """An archetype of a customer: what they want, what hurts, and what we promise them."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    pains = models.TextField(_("pains"), blank=True)
    value_proposition = models.TextField(_("value proposition"), blank=True)
    inbound_stage = models.CharField(
        _("inbound stage"), max_length=16, choices=InboundStage.choices, default=InboundStage.ATTRACT
    )
    icon = models.CharField(_("icon"), max_length=16, choices=PersonaIcon.choices, blank=True)
    colour = models.CharField(_("colour"), max_length=16, choices=PersonaColour.choices, default=PersonaColour.TEAL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("buyer persona")
        verbose_name_plural = _("buyer personas")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="persona_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [word for word in self.name.replace(",", " ").split() if word[:1].isalpha()]
        return "".join(word[0] for word in words[:2]).upper() or "?"
