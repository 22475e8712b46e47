"""The maturity thresholds page and admin: company admins change them, others are refused."""

from typing import Any

import pytest

from apps.maturity.selectors import maturity_settings_get

pytestmark = pytest.mark.django_db

URL = "/dashboard/maturity-settings/"
VALUES = {"window_days": 60, "min_answers": 20, "max_overdue_cases": 2, "rollup_share_percent": 60}


def test_company_admin_saves_the_thresholds(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'value="90"' in page.content.decode()
    response = client.post(URL, VALUES)
    assert response.status_code == 302 and response["Location"] == URL
    settings = maturity_settings_get()
    assert (settings.window_days, settings.min_answers, settings.max_overdue_cases, settings.rollup_share_percent) == (
        60,
        20,
        2,
        60,
    )
    assert 'value="60"' in client.get(URL).content.decode()


def test_invalid_value_is_a_form_error(client_for: Any, company_admin: Any) -> None:
    response = client_for(company_admin).post(URL, {**VALUES, "rollup_share_percent": 150, "window_days": 3})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"rollup_share_percent", "window_days"} <= set(errors)
    assert maturity_settings_get().rollup_share_percent == 50


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_others_are_refused(request: pytest.FixtureRequest, client_for: Any, role: str) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALUES).status_code == 403
    assert maturity_settings_get().window_days == 90


def test_anonymous_goes_to_login(anonymous_client: Any) -> None:
    response = anonymous_client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_company_settings_page_links_to_the_thresholds(client_for: Any, company_admin: Any) -> None:
    assert URL in client_for(company_admin).get("/company/settings/").content.decode()


def test_admin_site_changes_the_thresholds_for_company_admins_only(
    client_for: Any, company_admin: Any, manager: Any
) -> None:
    settings = maturity_settings_get()
    change_url = f"/admin/maturity/maturitysettings/{settings.pk}/change/"
    assert client_for(manager).get(change_url).status_code == 403
    client = client_for(company_admin)
    assert client.get(change_url).status_code == 200
    response = client.post(change_url, {**VALUES, "min_answers": 12})
    assert response.status_code == 302
    assert maturity_settings_get().min_answers == 12
