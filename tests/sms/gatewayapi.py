"""A local HTTP server that speaks the part of GatewayAPI's REST API Kokemus uses, for tests and the fault drill.

POST /rest/mtsms with a JSON body and the token as the Basic auth user answers
{"ids": [<id>]} and records the message (its payload, with the recipients and the
client reference `userref`, plus the provider id and when it was accepted); `fail_next`
makes the next calls answer an error status (an outage: 503; a refusal: 400), and
`delay_seconds` holds each answer back (a provider slower than our timeout). Threaded,
on a free port of 127.0.0.1: the `gatewayapi` fixture for tests, `FakeGatewayApi.start()`
for a script (bench/fault_drill.py).
"""

import base64
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "test-gatewayapi-token"


@dataclass
class FakeGatewayApi:
    url: str = ""
    messages: list[dict] = field(default_factory=list)
    requests: int = 0
    fail_next: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1_000_001))
    _server: "ThreadingHTTPServer | None" = None

    def references(self) -> list[str]:
        return [message["userref"] for message in self.messages]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def start(self, *, port: int = 0) -> str:
        """Serve on 127.0.0.1 (a free port unless given) in a thread of this process; returns the API's URL."""
        self._server = _Server(("127.0.0.1", port), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/rest/mtsms"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-answer (a killed worker) is part of the tests, not an error."""


def _handler(state: FakeGatewayApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet in test output
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with state.lock:
                state.requests += 1
                failure = state.fail_next.pop(0) if state.fail_next else None
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            if self.path != "/rest/mtsms":
                self._answer(404, {"message": "Not found"})
                return
            expected = "Basic " + base64.b64encode(f"{TOKEN}:".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._answer(401, {"code": "0x0101", "message": "Unauthorized"})
                return
            if failure is not None:
                self._answer(failure, {"code": "0x0000", "message": "Service unavailable"})
                return
            try:
                payload = json.loads(body)
                recipients = payload["recipients"]
                assert payload["message"] and payload["sender"] and recipients
                assert all(isinstance(recipient["msisdn"], int) for recipient in recipients)
            except (ValueError, KeyError, TypeError, AssertionError):
                self._answer(422, {"code": "0x0214", "message": "Invalid message"})
                return
            with state.lock:
                message_id = next(state._ids)
                state.messages.append({**payload, "id": message_id, "accepted_at": time.monotonic()})
            self._answer(200, {"ids": [message_id], "usage": {"total_cost": 0.0, "currency": "EUR"}})

    return Handler


@pytest.fixture
def gatewayapi(settings: object) -> Iterator[FakeGatewayApi]:
    """The fake provider, and settings that send every text message to it."""
    state = FakeGatewayApi()
    state.start()
    settings.SMS_BACKEND = "apps.outbox.sms_backends.GatewayApiBackend"
    settings.SMS_GATEWAYAPI_URL = state.url
    settings.SMS_GATEWAYAPI_TOKEN = TOKEN
    settings.SMS_TIMEOUT_SECONDS = 1.0
    try:
        yield state
    finally:
        state.stop()
