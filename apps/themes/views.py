"""The themes pages: the list with each theme's volume and NPS, a theme's weeks, the form, and the
suggested words. For `can_manage_themes`; figures and suggestions within the user's location scope."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_themes
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.themes.forms import PeriodForm, ThemeForm
from apps.themes.models import Theme
from apps.themes.selectors import (
    SUGGESTION_MIN_COMMENTS,
    theme_get,
    theme_list,
    theme_suggestions,
    theme_totals,
    theme_weeks,
)
from apps.themes.services import theme_create, theme_delete, theme_update


def _theme_or_404(theme_id: int) -> Theme:
    theme = theme_get(theme_id=theme_id)
    if theme is None:
        raise Http404
    return theme


def _period(request: HttpRequest) -> tuple[PeriodForm, int]:
    data = request.GET.copy()
    data.setdefault("days", "90")  # the default period, shown as chosen
    form = PeriodForm(data)
    return form, (200 if form.is_valid() else 400)


class ThemeListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def get(self, request: HttpRequest) -> HttpResponse:
        period, status = _period(request)
        since, until = period.period()
        totals = theme_totals(user=request.user, since=since, until=until)
        rows = [{"theme": theme, "figures": totals.get(theme.pk)} for theme in theme_list()]
        return render(request, "themes/theme_list.html", {"rows": rows, "period": period}, status=status)


class ThemeFiguresView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def get(self, request: HttpRequest, theme_id: int) -> HttpResponse:
        theme = _theme_or_404(theme_id)
        period, status = _period(request)
        since, until = period.period()
        weeks = theme_weeks(theme=theme, user=request.user, since=since, until=until)
        total = theme_totals(user=request.user, since=since, until=until).get(theme.pk)
        context = {"theme": theme, "weeks": weeks, "total": total, "period": period}
        return render(request, "themes/theme_figures.html", context, status=status)


class ThemeCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"name": request.GET.get("name", "")[:80], "terms": request.GET.get("terms", "")[:200]}
        return render(request, "themes/theme_form.html", {"form": ThemeForm(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                theme = theme_create(**form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(
                    request, _("The theme %(name)s is saved; its comments are being tagged.") % {"name": theme}
                )
                return redirect("themes:list")
        return render(request, "themes/theme_form.html", {"form": form}, status=400)


class ThemeUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def get(self, request: HttpRequest, theme_id: int) -> HttpResponse:
        theme = _theme_or_404(theme_id)
        initial = {
            "name": theme.name,
            "name_fi": theme.name_fi,
            "name_sv": theme.name_sv,
            "name_en": theme.name_en,
            "terms": "\n".join(theme.terms),
            "is_active": theme.is_active,
        }
        return render(request, "themes/theme_form.html", {"form": ThemeForm(initial=initial), "editing": theme})

    def post(self, request: HttpRequest, theme_id: int) -> HttpResponse:
        theme = _theme_or_404(theme_id)
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                theme = theme_update(theme=theme, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("The theme %(name)s is saved.") % {"name": theme})
                return redirect("themes:list")
        return render(request, "themes/theme_form.html", {"form": form, "editing": theme}, status=400)


class ThemeDeleteView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def post(self, request: HttpRequest, theme_id: int) -> HttpResponse:
        theme = _theme_or_404(theme_id)
        theme_delete(theme=theme)
        messages.success(request, _("The theme %(name)s is deleted.") % {"name": theme})
        return redirect("themes:list")


class ThemeSuggestionsView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_themes)

    def get(self, request: HttpRequest) -> HttpResponse:
        period, status = _period(request)
        since, until = period.period()
        language = period.cleaned_data.get("language", "") if status == 200 else ""
        suggestions = theme_suggestions(user=request.user, since=since, until=until, language=language)
        context = {"suggestions": suggestions, "period": period, "minimum": SUGGESTION_MIN_COMMENTS}
        return render(request, "themes/theme_suggestions.html", context, status=status)
