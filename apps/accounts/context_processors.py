from typing import Any

from django.db import connection
from django.http import HttpRequest

from apps.accounts.capabilities import capabilities_for


def capabilities(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    tenant = getattr(connection, "tenant", None)
    return {
        "caps": capabilities_for(user),
        "company": tenant if tenant is not None and tenant.schema_name != "public" else None,
    }
