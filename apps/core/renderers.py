"""DRF's browsable API under the CSP."""

from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from rest_framework.renderers import BrowsableAPIRenderer


class BrowsableApiRenderer(BrowsableAPIRenderer):
    """DRF's HTML pages for a signed-in developer. Their templates write a few style=
    attributes (the filter and action buttons) and Pygments' <style> block; these pages
    alone may use inline styles. Scripts stay our own files only, as everywhere."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
