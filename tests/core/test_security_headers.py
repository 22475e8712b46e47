"""The security headers on a company's page, the operators' page and the API docs."""

from csp.constants import HEADER


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_a_page_carries_the_csp_and_the_other_security_headers(client_for, manager):
    response = client_for(manager).get("/")
    assert response.status_code == 200
    policy = _directives(response[HEADER])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce on a page that does not use it, never 'unsafe-inline'
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def test_signed_out_and_operator_pages_carry_the_headers_too(anonymous_client, public_client):
    for response in (anonymous_client.get("/accounts/login/"), public_client.get("/admin/login/")):
        assert response.status_code == 200
        assert "'unsafe-inline'" not in response[HEADER]
        assert "frame-ancestors 'none'" in response[HEADER]
        assert response["Permissions-Policy"].startswith("camera=()")


def test_the_path_map_lets_only_its_own_style_block_in(client_for, manager):
    from tests.journeys.factories import map_build

    path = map_build()
    response = client_for(manager).get(f"/paths/{path.pk}/")
    body = response.content.decode()
    nonce = response.wsgi_request.csp_nonce
    assert f"style-src 'self' 'nonce-{nonce}'" in response[HEADER]
    assert f'<style nonce="{nonce}">' in body
    assert " style=" not in body
    assert "<script>" not in body


def test_redoc_alone_may_use_inline_styles(client_for, manager):
    redoc = client_for(manager).get("/api/v1/redoc/")
    swagger = client_for(manager).get("/api/v1/docs/")
    assert redoc.status_code == swagger.status_code == 200
    assert _directives(redoc[HEADER])["style-src"] == ["'self'", "'unsafe-inline'"]
    assert _directives(swagger[HEADER])["style-src"] == ["'self'"]
    assert "<script>" not in swagger.content.decode() and "<script>" not in redoc.content.decode()
    setup = client_for(manager).get("/api/v1/docs/?script=")
    assert setup.status_code == 200
    assert setup["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in setup.content.decode()


def test_the_browsable_api_alone_of_the_api_may_use_inline_styles(client_for, manager):
    client = client_for(manager)
    html = client.get("/api/v1/paths/", HTTP_ACCEPT="text/html")
    json = client.get("/api/v1/paths/")
    assert html.status_code == json.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert _directives(html[HEADER])["style-src"] == ["'self'", "'unsafe-inline'"]
    assert _directives(html[HEADER])["script-src"] == ["'self'"]
    assert _directives(json[HEADER])["style-src"] == ["'self'"]
