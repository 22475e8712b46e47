from pathlib import Path

import pytest
from django.utils import translation

from apps.personas.services import persona_create

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the app's default language is Finnish."""
    with translation.override("en"):
        yield


@pytest.fixture
def personas():
    return {
        "family": persona_create(name="Kiireinen perheellinen"),
        "van": persona_create(name="Yrittäjä jolla pakettiauto"),
    }


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()
