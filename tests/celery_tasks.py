"""Tasks that exist only for tests; the test worker loads them with `--include tests.celery_tasks`."""

from django.db import connection

from apps.accounts.models import Role, User
from cxplatform.celery import app


@app.task
def user_write(email: str) -> str:
    """Create a user in whichever schema the task runs in; return that schema's name."""
    User.objects.create_user(email=email, password=None, role=Role.FRONTLINE, full_name="Written By Worker")
    return connection.schema_name


@app.task
def schema_name_report() -> str:
    return connection.schema_name
