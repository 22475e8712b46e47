"""Company branding: the page and the API (admins of the company only), the logo's storage and address,
and what customers see: survey pages and emails with the logo, colour, sender name and reply-to."""

import re
from typing import Any

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.tenants.models import Tenant
from tests.tenants.branding_files import SVG, VALUES, branded, image_bytes, png_upload

pytestmark = pytest.mark.django_db

PAGE = "/company/branding/"
API = "/api/v1/company/branding/"
LOGO_API = "/api/v1/company/branding/logo/"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def audit_log() -> Any:
    start = AuditLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: AuditLogEntry.objects.filter(id__gt=start, event_type=AuditEvent.SETTINGS_CHANGED)


def put_logo(client: Any, upload: Any) -> Any:
    """PUT the upload as multipart, as an API client sends a file."""
    return client.put(LOGO_API, encode_multipart(BOUNDARY, {"logo": upload}), content_type=MULTIPART_CONTENT)


def alpha() -> Tenant:
    return Tenant.objects.get(schema_name="alpha")


# --- The page ------------------------------------------------------------------------------------


def test_an_admin_saves_colour_names_and_logo_and_it_is_audited(client_for, company_admin, media, audit_log):
    client = client_for(company_admin)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, {**VALUES, "logo": png_upload()})
    assert response.status_code == 302, response.context["form"].errors
    tenant = alpha()
    assert (tenant.brand_colour, tenant.sender_name, tenant.reply_to) == tuple(VALUES.values())
    assert re.fullmatch(r"branding/alpha/[\w-]{24}\.png", tenant.logo)
    assert (media / tenant.logo).exists()
    entries = list(audit_log().order_by("id"))
    assert [entry.extra_data["changed"] for entry in entries] == [["brand_colour", "reply_to", "sender_name"], ["logo"]]
    # The colour is kept; the sender name and address may name a person, so only that they changed.
    assert entries[0].extra_data["new"] == {"brand_colour": "#1d4ed8"}
    assert entries[0].acting_user_id == company_admin.pk


def test_the_company_settings_page_links_to_branding(client_for, company_admin):
    assert PAGE in client_for(company_admin).get("/company/settings/").content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # an SVG pretending to be a PNG
        ("logo.png", b"not an image at all"),
        ("logo.gif", image_bytes("GIF", mode="P", colour=1)),
        ("logo.png", image_bytes("PNG") + b"\0" * (2 * 1024 * 1024)),
    ],
)
def test_a_bad_file_is_a_field_error_and_nothing_is_saved(client_for, company_admin, media, audit_log, name, data):
    response = client_for(company_admin).post(PAGE, {**VALUES, "logo": png_upload(name, data)})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["logo"]
    tenant = alpha()
    assert (tenant.logo, tenant.brand_colour) == ("", "")  # the colour waits for a good logo too
    assert not list(media.rglob("*.png"))
    assert not audit_log().exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("brand_colour", "teal"),
        ("brand_colour", "#12345"),
        ("sender_name", "Katsastus\r\nBcc: everyone@example.com"),
        ("sender_name", "Katsastus\tOy"),
        ("sender_name", "support@bank.example"),
        ("sender_name", "x" * 81),
        ("reply_to", "palaute@katsastus.fi\r\nBcc: everyone@example.com"),
        ("reply_to", "not an address"),
    ],
)
def test_bad_values_are_field_errors(client_for, company_admin, audit_log, field, value):
    response = client_for(company_admin).post(PAGE, {**VALUES, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert alpha().sender_name == ""
    assert not audit_log().exists()


def test_replacing_and_removing_the_logo_deletes_the_old_file(
    client_for, company_admin, media, django_capture_on_commit_callbacks
):
    client = client_for(company_admin)
    client.post(PAGE, {**VALUES, "logo": png_upload()})
    first = alpha().logo
    # The old file goes once the change has committed: run what waits for the commit.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {**VALUES, "logo": png_upload("new.webp", image_bytes("WEBP"))})
    second = alpha().logo
    assert second != first
    assert (media / second).exists() and not (media / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {**VALUES, "remove_logo": "on"})
    assert alpha().logo == ""
    assert not list(media.rglob("*.png"))


def test_only_company_admins_may_brand(client_for, manager, frontline):
    for user in (manager, frontline):
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {**VALUES, "logo": png_upload()}).status_code == 403
        assert client.get(API).status_code == 403
        assert client.patch(API, VALUES, content_type="application/json").status_code == 403
        assert put_logo(client, png_upload()).status_code == 403
    tenant = alpha()
    assert (tenant.brand_colour, tenant.logo) == ("", "")


def test_another_companys_admin_is_refused(client_for, outsider, tenant_alpha):
    client = client_for(outsider)
    client.defaults["HTTP_HOST"] = tenant_alpha.get_primary_domain().domain  # beta's session on alpha's host
    assert client.post(PAGE, VALUES).status_code in (302, 403)
    assert client.patch(API, VALUES, content_type="application/json").status_code in (401, 403)
    assert alpha().brand_colour == ""


# --- The API -------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_branding(client_for, company_admin, audit_log):
    client = client_for(company_admin)
    assert client.get(API).json() == {
        "brand_colour": "",
        "button_text_colour": "#ffffff",
        "sender_name": "",
        "reply_to": "",
        "logo_url": "",
        "logo_width": None,
        "logo_height": None,
    }
    body = client.patch(API, {"brand_colour": "#FFD400"}, content_type="application/json").json()
    assert (body["brand_colour"], body["button_text_colour"]) == ("#ffd400", "#000000")
    bad = client.patch(API, {"sender_name": "A\nB", "reply_to": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"sender_name", "reply_to"}
    assert [entry.source for entry in audit_log()] == ["api"]


def test_the_api_uploads_and_removes_the_logo(client_for, company_admin):
    client = client_for(company_admin)
    refused = put_logo(client, png_upload("logo.png", SVG))
    assert refused.status_code == 400 and "logo" in refused.json()["fields"]
    saved = put_logo(client, png_upload("logo.jpg", image_bytes("JPEG", size=(800, 200))))
    assert saved.status_code == 200
    assert re.fullmatch(r"https://alpha\.testserver/brand/logo/[\w-]{24}\.png", saved.json()["logo_url"])
    assert (saved.json()["logo_width"], saved.json()["logo_height"]) == (200, 50)
    assert client.delete(LOGO_API).status_code == 204
    assert alpha().logo == ""


# --- The logo's address --------------------------------------------------------------------------


def test_the_logo_is_served_to_anyone_on_its_own_company_only(anonymous_client, client_for, tenant_beta):
    tenant = branded()
    url = "/brand/logo/" + tenant.logo.rsplit("/", 1)[1]
    response = anonymous_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # Beta's domain does not serve alpha's logo, nor does any other name.
    assert client_for(None, tenant=tenant_beta).get(url).status_code == 404
    assert anonymous_client.get("/brand/logo/guess.png").status_code == 404
    assert anonymous_client.get("/brand/logo/..%2F..%2Fsettings.py").status_code == 404
    assert anonymous_client.post(url).status_code == 405
