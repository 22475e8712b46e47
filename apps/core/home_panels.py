"""Panels on the company's start page, contributed by the apps built on the kernel.

The start page belongs to the lowest layers, so it cannot import the apps that know
what a company still has to set up. Like the customer timeline, those apps register
a provider here (in their AppConfig.ready); each answers for one request with a
panel or None, and keeps its own queries few.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


HomePanelProvider = Callable[[HttpRequest], HomePanel | None]
_providers: list[HomePanelProvider] = []


def home_panel_provider_register(provider: HomePanelProvider) -> HomePanelProvider:
    """Add a source of start-page panels; usable as a decorator. Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def home_panels(request: HttpRequest) -> list[HomePanel]:
    """The panels `request.user` sees on the start page, in registration order."""
    return [panel for provider in _providers if (panel := provider(request)) is not None]
