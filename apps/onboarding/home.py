"""The start page's onboarding panel: the starter offer and the checklist, for admins and managers."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.capabilities import can_manage_company_settings, can_manage_cx_model
from apps.core.home_panels import HomePanel
from apps.onboarding.selectors import onboarding_setup_pending


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    url: str
    action: str


def onboarding_home_panel(request: HttpRequest) -> HomePanel | None:
    user = request.user
    if not can_manage_cx_model(user):
        return None
    setup = onboarding_setup_pending()
    if setup is None:
        return None
    can_take_starter = can_manage_company_settings(user)
    offer_open = can_take_starter and setup.starter_offer_open
    path_url = reverse("onboarding:template_list") if offer_open else reverse("journeys:path_list")
    items = [
        ChecklistItem(
            label=_("Map a service path"),
            done=setup.has_path,
            url=path_url,
            action=_("Start with a template") if offer_open else _("Service paths"),
        ),
        ChecklistItem(
            label=_("Give every touchpoint an owner"),
            done=setup.owners_done,
            url=reverse("journeys:ownership"),
            action=_("Touchpoint ownership"),
        ),
        ChecklistItem(
            label=_("Follow up touchpoints with a survey"),
            done=setup.has_follow_up_survey,
            url=reverse("surveys:home"),
            action=_("Surveys"),
        ),
        ChecklistItem(
            label=_("Receive the first answer from a customer"),
            done=setup.has_answer,
            url=reverse("encounters:log"),
            action=_("Log an encounter"),
        ),
    ]
    return HomePanel(
        template="onboarding/home_panel.html",
        context={
            "items": items,
            "done_count": sum(item.done for item in items),
            "offer_open": offer_open,
            "can_take_starter": can_take_starter,
        },
    )
