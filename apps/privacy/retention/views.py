from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_retention
from apps.audit.models import AuditSource
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.privacy.retention.forms import RetentionSettingsForm
from apps.privacy.retention.selectors import RetentionPolicy, retention_settings_get
from apps.privacy.retention.services import retention_due_counts, retention_settings_update


class RetentionSettingsView(CapabilityRequiredMixin, View):
    """The retention periods, for the company's admins.

    Switching retention on, or changing a period while it is on, first shows what
    the run would anonymise now (the same count the run then changes) and asks to
    confirm; the page always shows that count for the saved periods.
    """

    capability = staticmethod(can_manage_retention)
    template_name = "privacy/retention_settings.html"

    def _render(self, request: HttpRequest, form: RetentionSettingsForm, **context: object) -> HttpResponse:
        status = 400 if form.errors else 200
        fixed = {
            "import_file_days": settings.CUSTOMER_IMPORT_FILE_TTL.days,
            "email_body_days": settings.OUTBOUND_EMAIL_BODY_TTL.days,
        }
        return render(request, self.template_name, {"form": form, **fixed, **context}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        retention = retention_settings_get()
        counts = retention_due_counts(policy=RetentionPolicy.of(retention), now=timezone.now())
        return self._render(request, RetentionSettingsForm(instance=retention), retention=retention, counts=counts)

    def post(self, request: HttpRequest) -> HttpResponse:
        retention = retention_settings_get()
        saved = RetentionPolicy.of(retention)
        form = RetentionSettingsForm(request.POST, instance=retention_settings_get())
        if not form.is_valid():
            counts = retention_due_counts(policy=saved, now=timezone.now())
            return self._render(request, form, retention=retention, counts=counts)
        policy = form.policy()
        if policy.enabled and policy != saved and "confirm" not in request.POST:
            counts = retention_due_counts(policy=policy, now=timezone.now())
            if not saved.enabled or any(counts.values()):
                return self._render(request, form, retention=retention, counts=counts, confirming=True)
        try:
            retention_settings_update(acting_user=request.user, source=AuditSource.WEB, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
            counts = retention_due_counts(policy=saved, now=timezone.now())
            return self._render(request, form, retention=retention, counts=counts)
        messages.success(request, _("Retention settings saved."))
        return redirect("retention:settings")
