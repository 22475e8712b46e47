"""/favicon.ico, which browsers fetch by themselves on pages that name no icon (the admin, the survey pages)."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["testserver", "alpha.testserver"])
def test_the_icon_is_found_signed_out_on_the_operators_and_a_companys_domain(client, host):
    response = client.get("/favicon.ico", HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")


def test_the_icon_is_only_read(client):
    assert client.post("/favicon.ico", HTTP_HOST="alpha.testserver").status_code == 405
