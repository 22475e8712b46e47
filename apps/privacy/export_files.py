"""The export's files: data.json (the document), index.html (the same, readable) and CSV tables, in one zip."""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy

from apps.cases.models import CaseEventKind, CaseStatus
from apps.core.content_languages import content_languages_ordered
from apps.customers.models import ConsentKind, ConsentSource, ImportStatus, Language
from apps.encounters.models import EncounterSource, Feeling, Outcome
from apps.outbox.models import OutboundStatus
from apps.surveys.models import EmailKind, EmailStatus, InvitationStatus, QuestionType, SuppressionReason

# Each CSV file: its name, the document's list it is made of, and its columns.
CSV_TABLES: dict[str, tuple[Callable[[dict[str, Any]], list[dict[str, Any]]], list[str]]] = {
    "encounters.csv": (
        lambda document: document["encounters"],
        [
            "id",
            "occurred_at",
            "touchpoint",
            "path",
            "outcome",
            "peak_feeling",
            "end_feeling",
            "note",
            "raised_to_management",
            "survey_agreed",
            "source",
            "external_id",
        ],
    ),
    "invitations.csv": (
        lambda document: document["invitations"],
        [
            "id",
            "survey",
            "touchpoint",
            "language",
            "status",
            "suppression_reason",
            "created_at",
            "sent_at",
            "expires_at",
            "answered_at",
        ],
    ),
    "answers.csv": (
        lambda document: [
            {
                "response_id": response["id"],
                "survey": response["survey"],
                "submitted_at": response["submitted_at"],
                "touchpoint": response["touchpoint"],
                "path": response["path"],
                **answer,
            }
            for response in document["responses"]
            for answer in response["answers"]
        ],
        ["response_id", "survey", "submitted_at", "touchpoint", "path", "question", "type", "score", "comment"],
    ),
    "cases.csv": (
        lambda document: document["cases"],
        [
            "id",
            "status",
            "reason",
            "reason_code",
            "detail",
            "touchpoint",
            "created_at",
            "due_at",
            "contacted_at",
            "resolved_at",
            "resolution_note",
        ],
    ),
    "case_events.csv": (
        lambda document: [{"case_id": case["id"], **event} for case in document["cases"] for event in case["events"]],
        ["case_id", "at", "kind", "from_status", "to_status", "note"],
    ),
    "emails.csv": (
        lambda document: document["emails"],
        ["id", "kind", "to_customer", "recipient", "subject", "status", "created_at", "sent_at"],
    ),
}


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(column) is None else row.get(column) for column in columns])
    return buffer.getvalue()


def _label(choices: type[models.Choices], value: Any) -> Any:
    if value is None or value == "":
        return ""
    try:
        return choices(value).label
    except ValueError:
        return value


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


_RECORDED_BY = {
    "customer": _lazy("The customer themselves"),
    "staff": _lazy("Staff"),
    "migrated": _lazy("From before the consent history"),
}


def _wording_text(row: dict[str, Any], language: str | None) -> str:
    """The consent wording in the reader's language, else the next that has one (an older export has no
    Swedish text)."""
    for code in content_languages_ordered(language):
        if row.get(f"wording_{code}"):
            return row[f"wording_{code}"]
    return row.get("wording_fi", "")


def _readable(document: dict[str, Any]) -> dict[str, Any]:
    """The document with labels for codes and datetimes for ISO times, for the HTML page."""
    customer = dict(document["customer"], language=_label(Language, document["customer"]["language"]))
    consent = dict(document["consent"])
    consent["consent_source"] = _label(ConsentSource, consent["consent_source"])
    for key in ("consent_given_at", "unsubscribed_at"):
        consent[key] = _when(consent[key])
    language = translation.get_language()
    consent["history"] = [
        dict(
            row,
            at=_when(row["at"]),
            kind=_label(ConsentKind, row["kind"]),
            source=_label(ConsentSource, row["source"]),
            recorded_by=_RECORDED_BY[row["recorded_by"]],
            wording=_wording_text(row, language),
        )
        for row in consent.get("history", [])
    ]
    encounters = [
        dict(
            row,
            occurred_at=_when(row["occurred_at"]),
            outcome=_label(Outcome, row["outcome"]),
            peak_feeling=_label(Feeling, row["peak_feeling"]),
            end_feeling=_label(Feeling, row["end_feeling"]),
            source=_label(EncounterSource, row["source"]),
        )
        for row in document["encounters"]
    ]
    invitations = [
        dict(
            row,
            status=_label(InvitationStatus, row["status"]),
            suppression_reason=_label(SuppressionReason, row["suppression_reason"])
            if row["suppression_reason"]
            else "",
            created_at=_when(row["created_at"]),
            sent_at=_when(row["sent_at"]),
            answered_at=_when(row["answered_at"]),
            emails=[
                dict(
                    email,
                    kind=_label(EmailKind, email["kind"]),
                    status=_label(EmailStatus, email["status"]),
                    sent_at=_when(email["sent_at"]),
                )
                for email in row["emails"]
            ],
        )
        for row in document["invitations"]
    ]
    responses = [
        dict(
            row,
            submitted_at=_when(row["submitted_at"]),
            answers=[dict(answer, type=_label(QuestionType, answer["type"])) for answer in row["answers"]],
        )
        for row in document["responses"]
    ]
    cases = [
        dict(
            row,
            status=_label(CaseStatus, row["status"]),
            created_at=_when(row["created_at"]),
            resolved_at=_when(row["resolved_at"]),
            events=[
                dict(
                    event,
                    at=_when(event["at"]),
                    kind=_label(CaseEventKind, event.get("kind", "")),
                    from_status=_label(CaseStatus, event["from_status"]),
                    to_status=_label(CaseStatus, event["to_status"]),
                )
                for event in row["events"]
            ],
        )
        for row in document["cases"]
    ]
    emails = [
        dict(
            row,
            status=_label(OutboundStatus, row["status"]),
            created_at=_when(row["created_at"]),
            sent_at=_when(row["sent_at"]),
        )
        for row in document["emails"]
    ]
    imports = [
        dict(row, uploaded_at=_when(row["uploaded_at"]), status=_label(ImportStatus, row["status"]))
        for row in document["imports"]
    ]
    exports = [
        dict(row, created_at=_when(row["created_at"]), expires_at=_when(row["expires_at"]))
        for row in document["exports"]
    ]
    known = {
        "format", "generated_at", "company", "customer", "consent", "encounters", "invitations", "responses",
        "cases", "emails", "imports", "exports", "other_records", "admin_changes", "sources",
    }  # fmt: skip
    return {
        "generated_at": _when(document["generated_at"]),
        "company": document["company"],
        "customer": customer,
        "consent": consent,
        "encounters": encounters,
        "invitations": invitations,
        "responses": responses,
        "cases": cases,
        "emails": emails,
        "imports": imports,
        "exports": exports,
        "other_records": {
            str(apps.get_model(label)._meta.verbose_name_plural).capitalize(): records
            for label, records in document["other_records"].items()
        },
        "admin_changes": [dict(row, action_time=_when(row["action_time"])) for row in document["admin_changes"]],
        # Sections added by other apps (person_export_section_register), shown as they are.
        "more_sections": {key: value for key, value in document.items() if key not in known},
    }


def person_export_html(document: dict[str, Any], *, language: str) -> str:
    """index.html: the document for a person to read, in `language` ("fi" or "en"); no external assets."""
    with translation.override(language):
        return render_to_string("privacy/person_export.html", {"doc": _readable(document), "language": language})


def person_export_zip(document: dict[str, Any], *, language: str) -> bytes:
    """data.json, index.html and one CSV file per table, deflated, in a stable order."""
    buffer = io.BytesIO()
    stamp = (_when(document["generated_at"]) or dt.datetime.now(dt.UTC)).timetuple()[:6]

    def add(name: str, text: str) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text.encode("utf-8"))

    with zipfile.ZipFile(buffer, "w") as archive:
        add("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        add("index.html", person_export_html(document, language=language))
        for name, (rows_of, columns) in CSV_TABLES.items():
            add(name, _csv_text(rows_of(document), columns))
    return buffer.getvalue()
