"""The customer page's "Personal data" card, from the app that owns the exports."""

from typing import Any

from django import template
from django.utils import timezone

from apps.accounts.capabilities import can_export_personal_data
from apps.privacy.selectors import personal_data_exports_of_customer

register = template.Library()


@register.inclusion_tag("privacy/_customer_exports.html", takes_context=True)
def personal_data_card(context: dict[str, Any], customer: Any) -> dict[str, Any]:
    request = context["request"]
    allowed = can_export_personal_data(request.user)
    exports = personal_data_exports_of_customer(customer_id=customer.pk) if allowed else []
    now = timezone.now()
    return {
        "allowed": allowed,
        "customer": customer,
        "exports": [(export, export.expires_at > now) for export in exports],
        "prepared": request.GET.get("prepared", ""),
        "csrf_token": context.get("csrf_token"),
    }
