"""Themes of the comments: a company's named lists of words and phrases, and which comments match them
(docs/themes.md). Every table is in the company's schema."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

TERM_MAX_LENGTH = 80
TERMS_MAX = 50


class Theme(TimeStampedModel):
    """A theme ('waiting time', 'price') and the words or phrases that put a comment in it."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=80, blank=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=80, blank=True)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    terms = ArrayField(models.CharField(max_length=TERM_MAX_LENGTH), verbose_name=_("words and phrases"))
    is_active = models.BooleanField(_("active"), default=True)
    # Each change of the words starts a new retagging run; tags_run is the run the tags are from.
    run = models.PositiveIntegerField(default=0, editable=False)
    tags_run = models.PositiveIntegerField(default=0, editable=False)
    run_total = models.PositiveIntegerField(default=0, editable=False)
    run_done = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        code = (language or get_language() or "fi")[:2]
        return getattr(self, f"name_{code}", "") or self.name

    @property
    def is_retagging(self) -> bool:
        return self.tags_run != self.run


class ThemeTag(models.Model):
    """A comment (a text answer) matched a theme. No text: the ids only."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    answer = models.ForeignKey("surveys.Answer", on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "answer"], name="theme_tag_once")]
        indexes = [models.Index(fields=["response"], name="theme_tag_response")]

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.answer_id}"


class ThemeTagStage(models.Model):
    """Tags a retagging run has found so far; they replace the theme's tags in one transaction at its end."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    run = models.PositiveIntegerField()
    answer = models.ForeignKey("surveys.Answer", on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "run", "answer"], name="theme_stage_once")]

    def __str__(self) -> str:
        return f"{self.theme_id} ({self.run}): {self.answer_id}"
