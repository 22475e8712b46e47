"""URLs of a company's domain under the bench settings: the product's own, bench/trivial/ and
the `urlpatterns` of every module of bench/baselines/.

Never part of the product: only bench/settings.py names this URL conf. A baseline module that
fails to import is left out with its traceback on stderr (gunicorn's log, which bench/run.py
reads), so that the other figures are still measured and its own show as not available.
"""

import importlib
import pkgutil
import sys
import traceback

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.http import require_safe

from bench import baselines
from cxplatform.urls_tenants import handler400, handler403, handler404
from cxplatform.urls_tenants import urlpatterns as product_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "urlpatterns"]


@login_not_required
@require_safe
def trivial_view(request: HttpRequest) -> JsonResponse:
    """The floor of any request: Django's middleware and a small JSON body, nothing read."""
    return JsonResponse({"status": "ok"})


def baseline_urlpatterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for module_info in sorted(pkgutil.iter_modules(baselines.__path__), key=lambda info: info.name):
        name = f"{baselines.__name__}.{module_info.name}"
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - one broken baseline must not hide the other figures
            print(f"Traceback: the baseline module {name} failed to import; left out", file=sys.stderr)
            traceback.print_exc()
            continue
        patterns += getattr(module, "urlpatterns", [])
    return patterns


urlpatterns = [
    path("bench/trivial/", trivial_view, name="bench-trivial"),
    *baseline_urlpatterns(),
    *product_urlpatterns,
]
