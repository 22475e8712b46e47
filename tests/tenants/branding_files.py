"""Logo files for the tests, made in memory, and a company with its branding set."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from apps.tenants.models import Tenant
from apps.tenants.services import company_branding_update, company_logo_replace


def image_bytes(
    fmt: str, *, size: tuple[int, int] = (120, 40), mode: str = "RGB", colour: object = (11, 110, 105)
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=fmt)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


VALUES = {"brand_colour": "#1d4ed8", "sender_name": "Katsastus Oy asiakaspalvelu", "reply_to": "palaute@katsastus.fi"}


def png_upload(name: str = "logo.png", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else image_bytes("PNG"), content_type="image/png")


def branded(**values: str) -> Tenant:
    """Alpha with VALUES and a logo; the connection's company object is refreshed, as a request's would be."""
    tenant = company_branding_update(tenant=Tenant.objects.get(schema_name="alpha"), **{**VALUES, **values})
    tenant = company_logo_replace(tenant=tenant, upload=png_upload())
    connection.set_tenant(tenant)
    return tenant
