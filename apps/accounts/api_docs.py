"""The OpenAPI schema and its two readers (Swagger UI, ReDoc), for any member of the company.

drf-spectacular's views with a capability like every other API view, so the
closed-by-default permission lets them through for signed-in members only. The
schema is in English unless the client asks for a language (apps.core.apis.SchemaApi).
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from apps.accounts.capabilities import can_use_app
from apps.core.access import CapabilityApiMixin
from apps.core.apis import SchemaApi


class ApiSchemaApi(CapabilityApiMixin, SchemaApi):
    capability = staticmethod(can_use_app)


class ApiDocsApi(CapabilityApiMixin, SpectacularSwaggerSplitView):
    """Swagger UI, its setup served as a script of its own (?script): the page needs no inline script."""

    capability = staticmethod(can_use_app)


class ApiRedocApi(CapabilityApiMixin, SpectacularRedocView):
    capability = staticmethod(can_use_app)
