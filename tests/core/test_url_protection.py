"""No view is open by accident: every URL of both URL confs is capability-protected, an admin
site's, or explicitly public; and a view that is none of these is reported (and refused)."""

import sys
import types

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path
from django.views import View
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from apps.accounts import capabilities
from apps.accounts.capabilities import can_use_app
from apps.core.access import CapabilityApiMixin, CapabilityRequiredMixin, LoginRequiredMiddleware, PublicApiMixin
from tests.core.url_walk import URLCONFS, Protection, protection, routes, unprotected

# Every public page, with the reason it is public. A new public view must be added here.
PUBLIC = {
    "urls_tenants /accounts/login/": "signing in",
    "urls_tenants /accounts/logout/": "signing out ends whatever session there is",
    "urls_tenants /accounts/password-reset/": "asking for a reset link by email",
    "urls_tenants /accounts/password-reset/sent/": "the 'link sent' page",
    "urls_tenants /accounts/reset/<uidb64>/<token>/": "setting a password from a reset or invitation link",
    "urls_tenants /accounts/reset/done/": "the 'password set' page",
    "urls_tenants /accounts/language/": "the language switch of the login page",
    "urls_tenants /s/q/<str:code>/": "a poster's open survey link: grants only answering anonymously, within limits",
    "urls_tenants /s/q/<str:code>/thanks/": "the open survey's thank-you page",
    "urls_tenants /s/kiosk/": "the kiosk at a counter; its device key (a cookie) is the credential, not a session",
    "urls_tenants /s/kiosk/pair/<str:token>/": "a kiosk's one-time pairing link; the token is the key",
    "urls_tenants /s/<str:token>/": "a customer's survey link; the token is the key",
    "urls_tenants /s/<str:token>/thanks/": "the survey's thank-you page",
    "urls_tenants /s/<str:token>/unsubscribe/": "a customer's unsubscribe link",
    "urls_tenants /shared/<str:token>/": "a read-only dashboard link someone shared; the token is the key, it expires",
    "urls_tenants /digest/unsubscribe/<str:token>/": "the digest's unsubscribe link for an address without an account",
    "urls_tenants /r/<str:short>/": "a survey link in a text message; the token is the key",
    "urls_tenants /sms/hooks/<str:secret>/status/": "SMS delivery reports; the company's secret is the key",
    "urls_tenants /sms/hooks/<str:secret>/inbound/": "replies to text messages (STOP); the company's secret is the key",
    "urls_tenants /admin/login/": "the company admin's sign-in",
    "urls_tenants /api/v1/auth/token/": "exchanging an email and a password for a token",
    "urls_tenants /^api/[\\s\\S]*/$": "an /api/ address no route matches: 404 with the API's error body",
    "urls_tenants /health/": "the load balancer's check (readiness); tells only ok or unavailable",
    "urls_tenants /health/live/": "the liveness probe; tells only ok",
    "urls_tenants /health/ready/": "the readiness probe; tells only ok or unavailable per check",
    "urls_tenants /jsi18n/": "the translation catalogue for scripts",
    "urls_tenants /favicon.ico": "the site's icon, which browsers fetch before anyone signs in",
    "urls_tenants /brand/logo/<str:name>": "the company's logo on its survey pages and in the emails customers open",
    "urls_tenants /brand/colours.css": "the company's colours for its survey pages, which customers open signed out",
    "urls_public /": "redirects to the operators' admin",
    "urls_public /admin/login/": "the operators' sign-in",
    "urls_public /language/": "the operators' language switch (POST only; remembered on the account when signed in)",
    "urls_public /health/": "the load balancer's check (readiness); tells only ok or unavailable",
    "urls_public /health/live/": "the liveness probe; tells only ok",
    "urls_public /health/ready/": "the readiness probe; tells only ok or unavailable per check",
    "urls_public /favicon.ico": "the site's icon, which browsers fetch before anyone signs in",
}


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_every_view_is_capability_protected_admin_or_explicitly_public(urlconf):
    assert routes(urlconf), f"{urlconf} has no URL patterns: the walk is broken"
    missing = unprotected(urlconf)
    assert not missing, "Neither capability-protected nor explicitly public:\n" + "\n".join(missing)


def test_the_public_views_are_the_listed_ones():
    every_route = [route for urlconf in URLCONFS for route in routes(urlconf)]
    public = {route.key for route in every_route if protection(route) is Protection.PUBLIC}
    assert public == set(PUBLIC), (
        f"public but not listed: {sorted(public - set(PUBLIC))}; listed but not public: {sorted(set(PUBLIC) - public)}"
    )


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_each_capability_is_one_of_the_named_predicates(urlconf):
    """A role means the same everywhere: no view invents its own rule (`lambda user: True`)."""
    named = {value for name, value in vars(capabilities).items() if name.startswith("can_")}
    invented = [
        f"{route.label} ({method.upper()}: {route.capability(method)!r})"
        for route in routes(urlconf)
        if protection(route) is Protection.CAPABILITY
        for method in route.methods()
        if route.capability(method) not in named
    ]
    assert not invented, "Not a predicate of apps/accounts/capabilities.py:\n" + "\n".join(invented)


def test_the_walk_goes_through_includes_drf_and_the_admin():
    found = {route.key: protection(route) for route in routes("cxplatform.urls_tenants")}
    assert found["urls_tenants /api/v1/users/<int:user_id>/"] is Protection.CAPABILITY
    assert found["urls_tenants /paths/<int:path_id>/edit/"] is Protection.CAPABILITY
    assert found["urls_tenants /admin/accounts/user/<path:object_id>/change/"] is Protection.ADMIN
    assert found["urls_tenants /api/v1/docs/"] is Protection.CAPABILITY


# --- A deliberately unprotected URL conf: the walk reports it, and the defaults refuse it ----------


def plain_view(request):
    return HttpResponse("open to anyone")


def open_view(request):
    return HttpResponse("open to anyone, on purpose")


class PlainPageView(View):
    def get(self, request):
        return HttpResponse("open to anyone")


class PlainApi(APIView):
    def get(self, request):
        return Response({"secret": "open to anyone"})


class ForgetfulApi(CapabilityApiMixin, APIView):
    """Uses the base but names no capability."""

    def get(self, request):
        return Response({"secret": "open to anyone"})


class ProtectedPageView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_use_app)


class OpenApi(PublicApiMixin, APIView):
    def get(self, request):
        return Response({})


@pytest.fixture
def careless_urlconf():
    module = types.ModuleType("tests.core.careless_urls")
    module.urlpatterns = [
        path("plain/", plain_view),
        path("page/", PlainPageView.as_view()),
        path("api/plain/", PlainApi.as_view()),
        path("api/forgetful/", ForgetfulApi.as_view()),
        path("protected/", ProtectedPageView.as_view()),
        path("open/", login_not_required(open_view)),
        path("api/open/", OpenApi.as_view()),
    ]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_a_view_without_protection_is_reported(careless_urlconf):
    reported = unprotected(careless_urlconf)

    assert reported == [
        "careless_urls /plain/ -> tests.core.test_url_protection.plain_view",
        "careless_urls /page/ -> tests.core.test_url_protection.PlainPageView",
        "careless_urls /api/plain/ -> tests.core.test_url_protection.PlainApi",
        "careless_urls /api/forgetful/ -> tests.core.test_url_protection.ForgetfulApi",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("api", [PlainApi, ForgetfulApi])
def test_an_api_view_without_a_capability_is_refused_even_to_an_admin(api, company_admin):
    request = APIRequestFactory().get("/api/plain/")
    force_authenticate(request, user=company_admin)

    response = api.as_view()(request)

    assert response.status_code == 403
    assert "secret" not in response.data


def test_an_api_view_without_a_capability_refuses_an_anonymous_caller_with_401():
    response = PlainApi.as_view()(APIRequestFactory().get("/api/plain/"))
    assert response.status_code == 401


@pytest.mark.parametrize("view", [plain_view, PlainPageView.as_view()])
def test_a_page_that_is_not_marked_public_sends_an_anonymous_visitor_to_login(view):
    request = RequestFactory().get("/page/")
    request.user = AnonymousUser()

    response = LoginRequiredMiddleware(lambda request: HttpResponse()).process_view(request, view, (), {})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/page/"


def test_the_login_middleware_leaves_api_views_and_public_pages_alone():
    request = RequestFactory().get("/api/plain/")
    request.user = AnonymousUser()
    middleware = LoginRequiredMiddleware(lambda request: HttpResponse())

    assert middleware.process_view(request, PlainApi.as_view(), (), {}) is None
    assert middleware.process_view(request, login_not_required(open_view), (), {}) is None
