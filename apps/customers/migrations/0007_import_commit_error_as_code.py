"""Why an import's write failed, as a code and its parameters instead of text in one language.

The reason was written in the language of whoever started the write. The two reasons a
write gives in English or Finnish ("3 rows have errors; nothing was imported.", "Customers
changed while importing ...") become report["commit_error"], which the report page puts
into the reader's language. Any other text stays in `commit_error`, and the page shows it
as it is.
"""

import re

from django.db import migrations

# Frozen here as the code wrote them before.
ROW_ERRORS = re.compile(
    r"^(?P<count>\d+) (?:rows have errors; nothing was imported|rivillä on virheitä; mitään ei tuotu)\.$"
)
CONFLICT_EN = "Customers changed while importing (a duplicate email or external id). Nothing was written; try again."
CONFLICT_FI = (
    "Asiakastiedot muuttuivat tuonnin aikana (sama sähköposti tai ulkoinen tunniste). "
    "Mitään ei tallennettu; yritä uudelleen."
)


def commit_error_parse(text: str) -> dict | None:
    text = text.strip()
    found = ROW_ERRORS.match(text)
    if found is not None:
        return {"code": "row_errors", "params": {"count": int(found.group("count"))}}
    if text in (CONFLICT_EN, CONFLICT_FI):
        return {"code": "conflict", "params": {}}
    return None


def commit_error_to_code(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    CustomerImport = apps.get_model("customers", "CustomerImport")
    for customer_import in CustomerImport.objects.exclude(commit_error="").only("pk", "report", "commit_error"):
        reason = commit_error_parse(customer_import.commit_error)
        if reason is None:
            continue
        customer_import.report = {**(customer_import.report or {}), "commit_error": reason}
        customer_import.commit_error = ""
        customer_import.save(update_fields=["report", "commit_error"])


def commit_error_to_text(apps, schema_editor) -> None:  # noqa: ANN001
    """Back to text, in English (the language the code's messages are written in)."""
    CustomerImport = apps.get_model("customers", "CustomerImport")
    for customer_import in CustomerImport.objects.filter(report__has_key="commit_error").only("pk", "report"):
        report = dict(customer_import.report)
        reason = report.pop("commit_error")
        code = reason.get("code") if isinstance(reason, dict) else None
        if code == "row_errors":
            customer_import.commit_error = f"{reason['params']['count']} rows have errors; nothing was imported."
        elif code == "conflict":
            customer_import.commit_error = CONFLICT_EN
        else:
            customer_import.commit_error = (reason or {}).get("text", "") or str(code or "")
        customer_import.report = report
        customer_import.save(update_fields=["report", "commit_error"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_customer_language_swedish"),
    ]

    operations = [
        migrations.RunPython(commit_error_to_code, commit_error_to_text),
    ]
