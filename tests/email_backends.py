"""Email backends for the test worker processes."""

import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class SlowFileEmailBackend(FileEmailBackend):
    """Like an SMTP server on a slow line: each message takes a moment before it is accepted (written)."""

    delay_seconds = 0.3

    def send_messages(self, email_messages):
        time.sleep(self.delay_seconds * len(email_messages))
        return super().send_messages(email_messages)
