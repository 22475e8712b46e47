"""The API's own views: its OpenAPI schema, and the answer to an address it does not have."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.access import PublicApiMixin


class SchemaApi(SpectacularAPIView):
    """The schema in English unless the client asks for a language (`?lang=` or Accept-Language).

    The company's default language would otherwise apply to a client that says
    nothing. The response is rendered inside the chosen language because the
    schema's texts are lazy translations that resolve only when rendered.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override(_schema_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response


def _schema_language(request: HttpRequest) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")
    if asked in languages:
        return asked
    if request.headers.get("Accept-Language"):
        return translation.get_language()
    return "en"


class ApiNotFoundApi(PublicApiMixin, APIView):
    """Any /api/ address that no route matches, with any method: 404 with the API's error body.

    Django's 404 page is HTML, which an API client cannot read. Public, as a
    missing address is missing for everyone.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise NotFound
