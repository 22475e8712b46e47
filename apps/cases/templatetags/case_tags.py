from django import template
from django.utils import timezone
from django.utils.html import format_html

from apps.cases.models import FollowUpCase
from apps.cases.timeliness import Timeliness

register = template.Library()


@register.simple_tag
def case_late_badge(case: FollowUpCase) -> str:
    """The "Late" tag of the case list, for other pages that list cases."""
    if case.timeliness(timezone.now()) != Timeliness.LATE:
        return ""
    return format_html('<span class="badge badge--late">{}</span>', Timeliness.LATE.label)
