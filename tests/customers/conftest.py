import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from apps.personas.services import persona_create
from cxplatform.celery import app

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


@pytest.fixture
def inline_jobs(django_capture_on_commit_callbacks: Any) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """`with inline_jobs():` runs the background import's tasks in this process as the request commits,
    for page tests inside a test transaction; test_import_worker.py runs them on a real worker."""

    @contextlib.contextmanager
    def run() -> Iterator[None]:
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        finally:
            app.conf.task_always_eager = previous

    return run
