"""A local mail catcher for development: an SMTP sink that keeps every message and a web page to read them.

    python scripts/mailcatcher.py --smtp-port 1025 --http-port 8025 --directory .dev/mail

Messages are stored as .eml files, so they survive restarts and can be opened in a
mail client too. Nothing is ever delivered anywhere. The web view lists the
messages and shows each one's headers, text part, HTML part (in a sandboxed
frame) and raw source; /api/messages returns the same as JSON for scripts.
"""

import argparse
import email
import email.policy
import html
import json
import re
import signal
import sys
import threading
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_MESSAGE_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")
_URL = re.compile(r"https?://[^\s<>\"']+")


class MailStore:
    """The messages on disk, newest first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    def add(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> str:
        message_id = f"{datetime.now(tz=UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        envelope = f"X-Envelope-From: {mail_from}\r\nX-Envelope-To: {', '.join(recipients)}\r\n".encode()
        temporary = self.directory / f".{message_id}.tmp"
        temporary.write_bytes(envelope + raw)
        temporary.rename(self.directory / f"{message_id}.eml")
        return message_id

    def ids(self) -> list[str]:
        return sorted((path.stem for path in self.directory.glob("*.eml")), reverse=True)

    def raw(self, message_id: str) -> bytes | None:
        if not _MESSAGE_ID.match(message_id):
            return None
        path = self.directory / f"{message_id}.eml"
        return path.read_bytes() if path.exists() else None

    def parsed(self, message_id: str) -> EmailMessage | None:
        raw = self.raw(message_id)
        if raw is None:
            return None
        return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]

    def clear(self) -> None:
        for path in self.directory.glob("*.eml"):
            path.unlink(missing_ok=True)


def _part_text(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return str(part.get_content()).replace("\r\n", "\n")


def _received_at(message_id: str) -> str:
    received = datetime.strptime(message_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return f"{received:%a, %d %b %Y %H:%M:%S} +0000 (received)"


def message_summary(message_id: str, message: EmailMessage) -> dict[str, Any]:
    return {
        "id": message_id,
        "date": str(message.get("Date", "")) or _received_at(message_id),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "") or message.get("X-Envelope-To", "")),
        "subject": str(message.get("Subject", "")),
        "text": _part_text(message, "plain"),
        "html": _part_text(message, "html"),
        "attachments": [part.get_filename() or "(unnamed)" for part in message.iter_attachments()],
        # A text message the app's development SMS backend (CatcherBackend) posted here as an email.
        "channel": "sms" if str(message.get("X-Kokemus-Channel", "")) == "sms" else "email",
    }


class SinkHandler:
    """aiosmtpd handler: accept every message and store it."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        message_id = self.store.add(raw=raw, mail_from=envelope.mail_from or "", recipients=list(envelope.rcpt_tos))
        subject = email.message_from_bytes(raw, policy=email.policy.default).get("Subject", "")
        print(f"received {message_id}: {subject!s} -> {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 Message accepted for delivery"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{title} · Mail catcher</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f4f6f9; }}
header {{ background: #1d2430; color: #fff; padding: .7rem 1.2rem; display: flex; gap: 1rem; align-items: center; }}
header a {{ color: #fff; text-decoration: none; font-weight: 600; }}
header form {{ margin-left: auto; }}
main {{ max-width: 70rem; margin: 1.2rem auto; padding: 0 1rem; }}
table {{ width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #d8dde6; }}
th, td {{ text-align: left; padding: .45rem .7rem; border-bottom: 1px solid #e6e9ef; vertical-align: top; }}
th {{ background: #eef1f5; font-weight: 600; white-space: nowrap; }}
section th {{ width: 30%; white-space: normal; }}
td {{ overflow-wrap: anywhere; }}
.scroll {{ overflow-x: auto; }}
tr:hover td {{ background: #f8fafc; }}
section {{ background: #fff; border: 1px solid #d8dde6; margin: 0 0 1rem; }}
section h2 {{ font-size: 1rem; margin: 0; padding: .5rem .8rem; background: #eef1f5;
  border-bottom: 1px solid #d8dde6; }}
pre {{ margin: 0; padding: .8rem; white-space: pre-wrap; word-break: break-word;
  font: 14px/1.45 ui-monospace, monospace; }}
iframe {{ width: 100%; height: 32rem; border: 0; display: block; }}
.muted {{ color: #5b6575; }}
button {{ font: inherit; padding: .25rem .8rem; cursor: pointer; }}
nav.parts a {{ margin-right: 1rem; }}
</style></head>
<body><header><a href="/">Mail catcher</a><span class="muted">{count}</span>
<form method="post" action="/clear"><button type="submit">Delete all</button></form></header>
<main>{body}</main></body></html>
"""


def _linkify(text: str) -> str:
    """Escape text and make its URLs clickable (password reset links, survey links)."""
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        pieces.append(html.escape(text[position : match.start()]))
        url = html.escape(match.group(0))
        pieces.append(f'<a href="{url}">{url}</a>')
        position = match.end()
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


class WebHandler(BaseHTTPRequestHandler):
    store: MailStore
    server_version = "mailcatcher"

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not worth a line each in the combined output."""

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, *, title: str, body: str, refresh: bool = False, status: int = HTTPStatus.OK) -> None:
        count = len(self.store.ids())
        page = _PAGE.format(
            title=html.escape(title),
            body=body,
            count=f"{count} message{'s' if count != 1 else ''}",
            refresh='<meta http-equiv="refresh" content="5">' if refresh else "",
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _not_found(self) -> None:
        self._page(title="Not found", body="<p>No such message.</p>", status=HTTPStatus.NOT_FOUND)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        parts = [part for part in path.split("/") if part]
        if not parts:
            self._index()
        elif parts == ["api", "messages"]:
            summaries = [message_summary(i, m) for i in self.store.ids() if (m := self.store.parsed(i)) is not None]
            self._send(HTTPStatus.OK, json.dumps(summaries, indent=2).encode(), "application/json")
        elif len(parts) == 2 and parts[0] == "m":
            self._message(parts[1])
        elif len(parts) == 3 and parts[0] == "m" and parts[2] == "html":
            self._message_html(parts[1])
        elif len(parts) == 3 and parts[0] == "m" and parts[2] == "raw":
            raw = self.store.raw(parts[1])
            if raw is None:
                self._not_found()
            else:
                self._send(HTTPStatus.OK, raw, "text/plain; charset=utf-8")
        else:
            self._not_found()

    def do_POST(self) -> None:
        if self.path == "/clear":
            self.store.clear()
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": "/"})
        else:
            self._not_found()

    def _index(self) -> None:
        rows = []
        for message_id in self.store.ids():
            message = self.store.parsed(message_id)
            if message is None:
                continue
            summary = message_summary(message_id, message)
            if summary["channel"] == "sms":
                # The text itself in the list: a text message is read at a glance, as on a phone.
                subject = f"<strong>SMS</strong> {html.escape(summary['text'].split(chr(10) + chr(10) + '-- ')[0])}"
            else:
                subject = html.escape(summary["subject"]) or "(no subject)"
            rows.append(
                "<tr>"
                f'<td class="muted">{html.escape(summary["date"])}</td>'
                f"<td>{html.escape(summary['to'])}</td>"
                f'<td><a href="/m/{message_id}">{subject}</a></td>'
                f"<td>{html.escape(summary['from'])}</td>"
                "</tr>"
            )
        if rows:
            body = (
                '<div class="scroll"><table>'
                "<thead><tr><th>Date</th><th>To</th><th>Subject</th><th>From</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></div>"
            )
        else:
            body = (
                "<p class='muted'>No messages yet. Everything the app sends while it runs appears here,"
                " emails and text messages (SMS).</p>"
            )
        self._page(title="Inbox", body=body, refresh=True)

    def _message(self, message_id: str) -> None:
        message = self.store.parsed(message_id)
        if message is None:
            self._not_found()
            return
        summary = message_summary(message_id, message)
        header_rows = "".join(
            f"<tr><th>{html.escape(name)}</th><td>{html.escape(str(value))}</td></tr>"
            for name, value in message.items()
        )
        sections = [
            f"<h1>{html.escape(summary['subject']) or '(no subject)'}</h1>",
            f'<p class="muted">From {html.escape(summary["from"])} to {html.escape(summary["to"])}, '
            f"{html.escape(summary['date'])}</p>",
        ]
        sections.append(
            '<nav class="parts"><a href="/">&larr; All messages</a>'
            f'<a href="/m/{message_id}/raw">Raw source</a></nav><br>'
        )
        if summary["text"] is not None:
            sections.append(f"<section><h2>Text</h2><pre>{_linkify(summary['text'])}</pre></section>")
        if summary["html"] is not None:
            sections.append(
                "<section><h2>HTML</h2>"
                f'<iframe sandbox src="/m/{message_id}/html" title="HTML part"></iframe></section>'
            )
        if summary["attachments"]:
            names = ", ".join(html.escape(name) for name in summary["attachments"])
            sections.append(f"<section><h2>Attachments</h2><pre>{names}</pre></section>")
        sections.append(f"<section><h2>Headers</h2><table>{header_rows}</table></section>")
        self._page(title=summary["subject"], body="".join(sections))

    def _message_html(self, message_id: str) -> None:
        message = self.store.parsed(message_id)
        html_part = _part_text(message, "html") if message is not None else None
        if html_part is None:
            self._not_found()
            return
        # The message's HTML runs no script and reaches nothing of this page.
        self._send(
            HTTPStatus.OK,
            html_part.encode(),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": "sandbox; script-src 'none'", "X-Content-Type-Options": "nosniff"},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--directory", type=Path, default=Path(".dev/mail"))
    args = parser.parse_args(argv)

    store = MailStore(args.directory)
    controller = Controller(SinkHandler(store), hostname=args.host, port=args.smtp_port, enable_SMTPUTF8=True)
    controller.start()
    WebHandler.store = store
    web = ThreadingHTTPServer((args.host, args.http_port), WebHandler)
    web.daemon_threads = True

    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=web.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(
        f"SMTP on {args.host}:{args.smtp_port}, messages on http://{args.host}:{args.http_port}/ "
        f"(stored in {args.directory})",
        flush=True,
    )
    try:
        web.serve_forever()
    finally:
        web.server_close()
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
