"""The standard Finnish NPS question no longer glues ":ää" to the company's name.

Only questions whose Finnish text is still exactly the old standard wording (with
whatever company name was filled in) change; a text a manager edited stays as it is.
"""

import re

from django.db import migrations

OLD_DEFAULT = re.compile(r"^Kuinka todennäköisesti suosittelisit (?P<company>.+):ää ystävällesi tai kollegallesi\?$")
NEW_DEFAULT = "Kuinka todennäköisesti suosittelisit yritystä {company} ystävällesi tai kollegallesi?"


def nps_default_wording_update(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    candidates = Question.objects.filter(type="nps", text_fi__endswith=":ää ystävällesi tai kollegallesi?")
    for question in candidates.only("pk", "text_fi"):
        match = OLD_DEFAULT.match(question.text_fi)
        if match is None:
            continue
        text = NEW_DEFAULT.format(company=match["company"])
        if len(text) <= 500:
            Question.objects.filter(pk=question.pk, text_fi=question.text_fi).update(text_fi=text)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_outbound_email_customer_fill")]

    operations = [migrations.RunPython(nps_default_wording_update, migrations.RunPython.noop, elidable=True)]
