"""A local webhook receiver for tests: a threaded http.server on 127.0.0.1 that VERIFIES each call's
Standard Webhooks signature with the `standardwebhooks` library, as a real receiver would.

`secret`: the destination's "whsec_..." (None: a Slack or Teams stand-in that checks nothing).
`answers`: the status codes of the next calls (then 200); `delay_seconds` holds each answer back.
`calls` keeps every call in order: its headers, body and whether the signature held; `delivered`
the ones answered 2xx with a valid signature.
"""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    secret: str | None = None
    answers: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    calls: list[Call] = field(default_factory=list)
    started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def delivered(self) -> list[Call]:
        return [call for call in self.calls if call.verified and 200 <= call.status < 300]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-answer (a killed worker) is part of the tests, not an error."""


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {key.lower(): value for key, value in self.headers.items()}
            with state.lock:
                state.started += 1
                status = state.answers.pop(0) if state.answers else 200
            verified = True
            if state.secret is not None:
                try:
                    Webhook(state.secret).verify(body, headers)
                except WebhookVerificationError:
                    verified, status = False, 401
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            with state.lock:
                state.calls.append(Call(headers=headers, body=body, verified=verified, status=status))
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kokemus"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
