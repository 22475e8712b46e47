"""A case's reassignment as data (the event's kind and the new assignee) instead of a note in one language.

The note was written in the language of whoever reassigned the case: "Reassigned to Anna
Ahonen" or "Siirretty henkilölle Anna Ahonen", the name being the user's full name, else
their email. Where that name is exactly one user's, the event becomes a reassignment to
them and its note is emptied; any other note stays as it is and is shown as it was.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Frozen here as the code wrote it before.
REASSIGNED = re.compile(r"^(?:Reassigned to|Siirretty henkilölle) (?P<name>.+)$", re.DOTALL)
BATCH = 1000


def reassigned_name(note: str) -> str | None:
    found = REASSIGNED.match(note.strip())
    return found.group("name").strip() if found else None


def reassignments_to_data(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    CaseEvent = apps.get_model("cases", "CaseEvent")
    User = apps.get_model("accounts", "User")
    events = CaseEvent.objects.filter(to_status="").filter(
        models.Q(note__startswith="Reassigned to ") | models.Q(note__startswith="Siirretty henkilölle ")
    )
    if not events.exists():
        return
    # How a user was named then: str(user), the full name or else the email.
    named: dict[str, set[int]] = {}
    for pk, full_name, email in User.objects.values_list("pk", "full_name", "email"):
        named.setdefault(full_name or email, set()).add(pk)
    batch = []
    for event in events.only("pk", "note").iterator(chunk_size=BATCH):
        users = named.get(reassigned_name(event.note) or "", set())
        if len(users) != 1:
            continue
        event.kind = "reassigned"
        event.assignee_id = next(iter(users))
        event.note = ""
        batch.append(event)
        if len(batch) >= BATCH:
            CaseEvent.objects.bulk_update(batch, ["kind", "assignee", "note"])
            batch = []
    CaseEvent.objects.bulk_update(batch, ["kind", "assignee", "note"])


def reassignments_to_notes(apps, schema_editor) -> None:  # noqa: ANN001
    """Back to a note, in English (the language the code's messages are written in)."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for event in CaseEvent.objects.filter(kind="reassigned").select_related("assignee"):
        name = (event.assignee.full_name or event.assignee.email) if event.assignee else "a removed user"
        event.note = f"Reassigned to {name}"
        event.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_reason_as_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[("status", "Status change"), ("reassigned", "Reassigned")],
                default="status",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assignee",
            ),
        ),
        migrations.RunPython(reassignments_to_data, reassignments_to_notes),
    ]
