"""A worker killed while a text message is on the wire loses none; the one on the wire may go twice, same reference.

Eight text messages go through a real Celery worker to the local GatewayAPI, which takes a
second to answer each. The worker is SIGKILLed while the fourth is with the provider: the
provider has the message but the worker never hears so, which is the SMS side's one window
for a repeat (as the accept-to-mark instant is for SMTP). A second worker takes the message
over when the lease runs out and sends it again with the same client reference (userref),
so the provider's reports and our row stay one message. Every phone gets its text; none twice
with a different reference.
"""

import secrets
from collections import defaultdict

import pytest
from django.db import connection

from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import TextMessage, outbound_sms_queue
from apps.outbox.tasks import outbox_dispatch
from tests.celery_worker import worker_kill, worker_start, worker_stop
from tests.outbox.test_crash_worker import WAIT_SECONDS, in_alpha
from tests.sms.gatewayapi import TOKEN
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
MESSAGES = 8


def test_a_worker_killed_mid_send_loses_no_text_and_repeats_only_with_the_same_reference(
    committed, private_queue, gatewayapi
):
    gatewayapi.delay_seconds = 1.0
    slow_provider = {
        "TEST_SMS_BACKEND": "apps.outbox.sms_backends.GatewayApiBackend",
        "SMS_GATEWAYAPI_URL": gatewayapi.url,
        "SMS_GATEWAYAPI_TOKEN": TOKEN,
        "SMS_TIMEOUT_SECONDS": "5",
        "OUTBOX_LEASE_SECONDS": "3",
    }
    prefix = "+35850" + "".join(secrets.choice("0123456789") for _ in range(3))
    phones = {f"{prefix}{index:04d}" for index in range(MESSAGES)}

    def messages():
        return OutboundEmail.objects.filter(recipient__in=phones)

    first = worker_start(queue=private_queue, extra_env=slow_provider, concurrency=1)
    second = None
    try:
        with in_alpha():
            for phone in sorted(phones):
                outbound_sms_queue(kind="test_sms", message=TextMessage(recipient=phone, text="Hei!", sender="Alpha"))
        connection.set_schema_to_public()

        wait_until(
            lambda: gatewayapi.requests == 4 and len(gatewayapi.messages) == 3,
            timeout=WAIT_SECONDS,
            message="the fourth text with the provider after the first three",
        )
        worker_kill(first)
        with in_alpha():
            sending = messages().filter(status=OutboundStatus.SENDING).count()
        assert sending == 1, "one text on the wire at the kill"

        second = worker_start(queue=private_queue, extra_env=slow_provider)

        def all_sent() -> bool:
            with in_alpha():
                outbox_dispatch.delay().get(timeout=WAIT_SECONDS)
                return messages().filter(status=OutboundStatus.SENT).count() == MESSAGES

        wait_until(all_sent, timeout=WAIT_SECONDS, message="every text to be sent", interval=0.5)
        received = defaultdict(list)
        for message in gatewayapi.messages:
            received["+" + str(message["recipients"][0]["msisdn"])].append(message["userref"])
        assert set(received) == phones, "no text lost"
        assert all(len(set(references)) == 1 for references in received.values()), received
        repeated = [phone for phone, references in received.items() if len(references) > 1]
        assert len(repeated) <= 1, "only the text on the wire at the kill may go twice"
        with in_alpha():
            rows = dict(messages().values_list("recipient", "message_id"))
        assert {phone: references[0] for phone, references in received.items()} == rows
    finally:
        worker_kill(first)
        if second is not None:
            worker_stop(second)
