"""Email backends for the test worker processes."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class SlowFileEmailBackend(FileEmailBackend):
    """Like an SMTP server on a slow line: each message takes a moment before it is accepted (written).
    The moment is TEST_EMAIL_DELAY_SECONDS (default 0.3) of the worker's environment."""

    def send_messages(self, email_messages):
        delay_seconds = float(os.environ.get("TEST_EMAIL_DELAY_SECONDS", "0.3"))
        # The slowness is the behaviour under test: it holds a message "on the wire" long enough
        # for a crash test to kill the worker there. Nothing here waits for anything.
        time.sleep(delay_seconds * len(email_messages))
        return super().send_messages(email_messages)
