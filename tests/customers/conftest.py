from pathlib import Path

import pytest

from apps.personas.services import persona_create

FILES = Path(__file__).parent / "files"


@pytest.fixture
def personas():
    return {
        "family": persona_create(name="Kiireinen perheellinen"),
        "van": persona_create(name="Yrittäjä jolla pakettiauto"),
    }


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()
