"""DRF renderers: the browsable API under the CSP, and files (PDF, zip) whose errors stay JSON."""

import json
from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer


class BrowsableApiRenderer(BrowsableAPIRenderer):
    """DRF's HTML pages for a signed-in developer. Their templates write a few style=
    attributes (the filter and action buttons) and Pygments' <style> block; these pages
    alone may use inline styles. Scripts stay our own files only, as everywhere."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for a file's media type (a subclass names it); the file's bytes pass through, and
    an error still answers in the API's JSON body, with a JSON Content-Type."""

    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


class PdfRenderer(BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ZipRenderer(BinaryRenderer):
    media_type = "application/zip"
    format = "zip"
