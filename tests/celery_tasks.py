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


@app.task
def search_path_report() -> tuple[str, str]:
    """The schema the task was switched to and the search_path PostgreSQL really has for its queries."""
    User.objects.exists()  # a query through the ORM, as a task's own would be
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        return connection.schema_name, cursor.fetchone()[0]
