"""Erasure and the per-person export find the same rows: one definition of what identifies a person.

Besides the rows of `customer_everywhere`, emails and uploaded files that name the person in
each way the rules know (full name, a phone as written or normalised, the email in any case,
a row found by an external id or a phone written another way, a file the import cannot read),
and some that must not count as theirs (a first name alone, another person, an external id
in free text, the name inside a longer note).
"""

from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives

from apps.audit.models import AuditSource
from apps.customers.importing import customer_import_create
from apps.customers.models import CustomerImport
from apps.outbox.models import OutboundEmail
from apps.outbox.services import outbound_email_queue
from apps.privacy.erasure import customer_erase
from apps.privacy.person_export import person_export_document
from tests.privacy.conftest import EMAIL, EXTERNAL_ID, NAME, OTHER_EMAIL, OTHER_NAME, PHONE_NORMALIZED, Everywhere

pytestmark = pytest.mark.django_db


def _email(subject: str, body: str, *, html_body: str = "", to: str = "staff@alpha.example") -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return outbound_email_queue(kind="test", message=message, send_on_commit=False).pk


def _upload(name: str, content: bytes, admin: Any) -> int:
    return customer_import_create(file_name=name, content=content, created_by=admin).pk


def _emails() -> dict[int, tuple[Any, ...]]:
    fields = ("subject", "body_text", "body_html", "headers", "recipient", "last_error", "status")
    return {row[0]: row[1:] for row in OutboundEmail.objects.values_list("pk", *fields)}


def _imports() -> dict[int, tuple[Any, ...]]:
    rows = CustomerImport.objects.values_list("pk", "content", "report", "file_error", "commit_error")
    return {
        pk: (bytes(content), report, file_error, commit_error) for pk, content, report, file_error, commit_error in rows
    }


def _changed(before: dict[int, Any], after: dict[int, Any]) -> set[int]:
    return {pk for pk, values in before.items() if after.get(pk) != values}


def test_erasure_changes_exactly_the_rows_the_export_lists(customer_everywhere: Everywhere, company_admin: Any) -> None:
    world = customer_everywhere
    named_emails = {
        "full name": _email(f"Palaute: {NAME}", "Asiakas kiitti."),
        "normalised phone": _email("Soittopyyntö", f"Soita numeroon {PHONE_NORMALIZED}."),
        "email in capitals": _email("Viesti", "Ks. liite.", html_body=f"<p>{EMAIL.upper()}</p>"),
    }
    failed = _email("Muistutus", "Hei.")
    OutboundEmail.objects.filter(pk=failed).update(last_error=f"550 {EMAIL}: mailbox unavailable")
    named_emails["last error"] = failed
    other_emails = {
        "first name alone": _email("Tuulikki soitti", "Tuulikki kysyi aukioloaikoja."),
        "another person": _email(f"Palaute: {OTHER_NAME}", OTHER_EMAIL),
        "external id in text": _email("Tilaus", f"Viite {EXTERNAL_ID}."),
    }
    named_imports = {
        "phone written another way": _upload(
            "puhelin.csv", b"nimi;puhelin\nT. H.;040-7654321\nMuu;050 1\n", company_admin
        ),
        "external id": _upload("numerot.csv", f"ulkoinen_id;segmentti\n{EXTERNAL_ID};kanta\n".encode(), company_admin),
        "unreadable file": _upload("rikki.csv", b"\x00\x01" + EMAIL.encode() + b"\n", company_admin),
    }
    other_imports = {
        "first name alone": _upload("etunimi.csv", b"nimi;email\nTuulikki;tuulikki@muu.example\n", company_admin),
        "name inside a note": _upload(
            "muistio.csv", f"nimi;email;segmentti\nMatti;matti@muu.example;{NAME} suositteli\n".encode(), company_admin
        ),
    }
    emails_before, imports_before = _emails(), _imports()

    document = person_export_document(customer=world.customer)
    listed_emails = {row["id"] for row in document["emails"]}
    listed_imports = {row["id"] for row in document["imports"]}
    result = customer_erase(customer=world.customer, acting_user=company_admin, source=AuditSource.WEB)
    changed_emails = _changed(emails_before, _emails())
    changed_imports = _changed(imports_before, _imports())

    assert listed_emails == changed_emails
    assert listed_imports == changed_imports
    assert result.counts["customers.customerimport"] == len(changed_imports)
    assert set(named_emails.values()) <= listed_emails
    assert not set(other_emails.values()) & listed_emails
    assert set(named_imports.values()) | {world.imports[0].pk, world.imports[1].pk} <= listed_imports
    assert not set(other_imports.values()) & listed_imports
    # The export quotes a file's rows as the file wrote them.
    lines = {row["id"]: row["lines"] for row in document["imports"]}
    assert lines[named_imports["phone written another way"]] == ["T. H.;040-7654321"]
    assert [EMAIL in line for line in lines[named_imports["unreadable file"]]] == [True]
