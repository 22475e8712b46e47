"""A case's reason as data (a code, the poor scores, a staff-written text) instead of text in one language.

The old text was written by the survey answer in the respondent's language: "Poor answer:
NPS 2, CSAT 1" or "Heikko vastaus: NPS 2, CSAT 1". Both forms become the code and the
scores; any other text stays as a reason written by staff. The opening event's note,
which was a copy of the reason, is emptied: the case page says the reason itself.
"""

import re

from django.db import migrations, models

POOR_ANSWER = re.compile(r"^(?:Poor answer|Heikko vastaus): (?P<scores>.+)$")
SCORE = re.compile(r"^(?P<measure>NPS|CSAT|CES) (?P<score>\d{1,2})$")
BATCH = 1000


def reason_parse(text: str) -> dict:
    """The reason fields of an old reason text; frozen here, as the code wrote it before."""
    found = POOR_ANSWER.match(text.strip())
    if found is not None:
        scores = [SCORE.match(part.strip()) for part in found.group("scores").split(",")]
        if all(scores):
            return {
                "reason_code": "poor_answer",
                "reason_scores": [
                    {"measure": score.group("measure").lower(), "score": int(score.group("score"))} for score in scores
                ],
                "reason_text": "",
            }
    return {"reason_code": "staff", "reason_scores": [], "reason_text": text.strip()[:300]}


def reason_to_data(apps, schema_editor):
    FollowUpCase = apps.get_model("cases", "FollowUpCase")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    cases = FollowUpCase.objects.only("pk", "reason").order_by("pk")
    batch = []
    for case in cases.iterator(chunk_size=BATCH):
        for name, value in reason_parse(case.reason).items():
            setattr(case, name, value)
        batch.append(case)
        if len(batch) >= BATCH:
            FollowUpCase.objects.bulk_update(batch, ["reason_code", "reason_scores", "reason_text"])
            batch = []
    FollowUpCase.objects.bulk_update(batch, ["reason_code", "reason_scores", "reason_text"])
    CaseEvent.objects.filter(from_status="", to_status="open", note=models.F("case__reason")).update(note="")


def reason_to_text(apps, schema_editor):
    """Back to one text, in English (the language the code's messages are written in)."""
    FollowUpCase = apps.get_model("cases", "FollowUpCase")
    for case in FollowUpCase.objects.only("pk", "reason_code", "reason_scores", "reason_text").iterator():
        if case.reason_code == "poor_answer":
            scores = ", ".join(f"{item['measure'].upper()} {item['score']}" for item in case.reason_scores)
            case.reason = f"Poor answer: {scores}"
        else:
            case.reason = case.reason_text or "Opened by staff"
        case.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_outbound_email_customer_fill"),
    ]

    operations = [
        migrations.AddField(
            model_name="followupcase",
            name="reason_code",
            field=models.CharField(
                choices=[("poor_answer", "Poor answer"), ("staff", "Written by staff")],
                default="staff",
                max_length=16,
                verbose_name="reason",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="followupcase",
            name="reason_scores",
            field=models.JSONField(blank=True, default=list, verbose_name="poor scores"),
        ),
        migrations.AddField(
            model_name="followupcase",
            name="reason_text",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason written by staff"),
        ),
        migrations.AlterField(
            model_name="followupcase",
            name="reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason"),
        ),
        migrations.RunPython(reason_to_data, reason_to_text, elidable=False),
        migrations.RemoveField(model_name="followupcase", name="reason"),
    ]
