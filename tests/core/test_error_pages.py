"""Error pages: translated, in the app's look for staff and in the survey's look for customers."""

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from apps.core.error_pages import bad_request, too_many_requests

pytestmark = pytest.mark.django_db


class CookielessClient(Client):
    """A browser that blocks cookies and enforces CSRF checks."""

    def request(self, **request):
        self.cookies.clear()
        previous = connection.tenant
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(previous)


def test_a_failed_csrf_check_is_a_translated_page_not_djangos(tenant_alpha):
    client = CookielessClient(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@b.example", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "CSRF verification failed" not in page
    assert "Lomaketta ei voitu lähettää" in page
    assert "salli evästeet tälle sivustolle" in page


def test_the_csrf_page_in_english(tenant_alpha):
    client = CookielessClient(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True)
    client.cookies.clear()
    response = client.post(reverse("accounts:login"), {}, HTTP_COOKIE="django_language=en")
    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()


def test_a_missing_page_for_staff_and_on_the_public_domain(anonymous_client, public_client):
    response = anonymous_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sivua ei löydy" in response.content.decode()
    response = public_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sivua ei löydy" in response.content.decode()


def test_a_customer_error_on_the_public_domain_is_a_customer_page(public_client):
    response = public_client.get("/s/whatever/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This page is not available" in response.content.decode()


def test_400_and_429_for_staff_and_customers(rf, tenant_alpha):
    staff = rf.get("/customers/", HTTP_HOST="alpha.testserver")
    staff.tenant = tenant_alpha
    assert "Tätä ei voitu tehdä" in bad_request(staff, Exception()).content.decode()
    response = too_many_requests(staff)
    assert response.status_code == 429
    assert "Liian monta yritystä" in response.content.decode()

    customer = rf.get("/s/abc/", HTTP_HOST="alpha.testserver", HTTP_ACCEPT_LANGUAGE="en")
    customer.tenant = tenant_alpha
    page = bad_request(customer, Exception()).content.decode()
    assert "We could not accept that" in page and "Alpha Katsastus Oy" in page
    assert "Too many attempts" in too_many_requests(customer).content.decode()


def test_the_500_page_needs_no_request_and_speaks_both_languages(rf):
    assert "request" not in get_template("500.html").template.source
    response = server_error(rf.get("/s/abc/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Jokin meni vikaan" in page and "Something went wrong" in page
