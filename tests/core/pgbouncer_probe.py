"""Run by tests/core/test_pgbouncer.py in a process of its own, with DATABASE_URL on a PgBouncer in
front of the test database: serves both companies' pages through the whole stack, alternating,
and prints what each page showed as JSON on its last line. Removes what it wrote.
"""

import json
import uuid
from typing import Any

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.journeys.models import ServicePath  # noqa: E402
from apps.journeys.services.paths import path_create  # noqa: E402

TAG = uuid.uuid4().hex[:8]
COMPANIES = ("alpha", "beta")


def main() -> dict[str, Any]:
    names = {schema: f"{schema.title()} pooled path {TAG}" for schema in COMPANIES}
    clients: dict[str, Client] = {}
    try:
        for schema in COMPANIES:
            with schema_context(schema):
                user = User.objects.create_user(
                    email=f"pooled-{TAG}@{schema}.example", password=uuid.uuid4().hex, role=Role.MANAGER
                )
                path_create(name=names[schema])
                clients[schema] = Client()
                clients[schema].force_login(user)
        pages = []
        for _ in range(5):
            for schema in COMPANIES:
                for url in ("/paths/", "/dashboard/"):
                    response = clients[schema].get(url, HTTP_HOST=f"{schema}.testserver")
                    body = response.content.decode()
                    pages.append(
                        {"company": schema, "url": url, "status": response.status_code}
                        | {"shows": {other: names[other] in body for other in COMPANIES}}
                    )
        # A server-side cursor (QuerySet.iterator) holds its server connection: fine in session pooling.
        with schema_context("beta"):
            iterated = [path.name for path in ServicePath.objects.iterator(chunk_size=1)]
        return {"pages": pages, "iterated": iterated, "names": names, "vendor": connection.vendor}
    finally:
        for schema in COMPANIES:
            with schema_context(schema):
                ServicePath.objects.filter(name=names[schema]).delete()
                User.objects.filter(email=f"pooled-{TAG}@{schema}.example").delete()


if __name__ == "__main__":
    print(json.dumps(main()))
