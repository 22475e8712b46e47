"""The case assignment email carries the company's sender name, reply-to, logo and colour."""

from email.utils import parseaddr
from typing import Any

import pytest
from django.core import mail

from apps.cases.services import case_assignment_notify
from tests.cases.test_cases import customer, open_case, touchpoint  # noqa: F401 - fixtures
from tests.conftest import outbox_deliver_due
from tests.tenants.branding_files import branded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_case_emails_carry_the_branding(customer, touchpoint, manager):  # noqa: F811
    tenant = branded()
    touchpoint.owner = manager
    touchpoint.save()
    case = open_case(customer, touchpoint)
    case_assignment_notify(case_id=case.pk)
    outbox_deliver_due()
    message = mail.outbox[-1].message()
    assert parseaddr(message["From"])[0] == "Katsastus Oy asiakaspalvelu"
    assert message["Reply-To"] == "palaute@katsastus.fi"
    html = mail.outbox[-1].alternatives[0][0]
    assert f'alt="{tenant.name}"' in html and "/brand/logo/" in html
    assert "background:#1d4ed8;color:#ffffff;" in html
