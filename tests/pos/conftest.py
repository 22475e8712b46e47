"""A touchpoint with a follow-up survey, its open link at a location, and a client without a session."""

from typing import Any

import pytest
from django.core.cache import cache

from apps.pos.models import OpenLink
from apps.pos.services import open_link_get_or_create
from tests.locations.factories import location_build
from tests.surveys.conftest import customer, survey, touchpoint

__all__ = ["customer", "survey", "touchpoint"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The address salts and the rate limits start empty in each test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def location(db: None) -> Any:
    return location_build(name="Kemin asema", code="KEMI")


@pytest.fixture
def open_link(touchpoint: Any, location: Any, manager: Any) -> OpenLink:
    return open_link_get_or_create(touchpoint=touchpoint, location=location, created_by=manager)


def answers_for(survey: Any, *, nps: int = 9, text: str = "") -> dict[str, str]:
    questions = list(survey.questions.order_by("position"))
    data = {f"q{questions[0].pk}": str(nps)}
    if text:
        data[f"q{questions[1].pk}"] = text
    return data
