"""The body each kind of destination gets for one event: pure functions, no database.

- A signed webhook: the Standard Webhooks shape, `{"type", "timestamp", "data"}`, where `data` is
  the event's minimal payload plus its id (ids, scores, names of places, a link; no comment,
  no customer's name).
- Slack incoming webhooks: `text` (what notifications and old clients show) and Block Kit
  `blocks` (https://api.slack.com/messaging/webhooks).
- Microsoft Teams through a Workflows "When a Teams webhook request is received" flow: a message
  with one Adaptive Card attachment (https://learn.microsoft.com/en-us/connectors/teams/ and
  Microsoft's "Create incoming webhooks with Workflows"); the Office 365 connectors'
  MessageCard is being retired, so it is not offered.
"""

import json
from dataclasses import dataclass
from typing import Any

EVENT_TYPES = {
    "poor_answer": "answer.poor",
    "nps_drop": "touchpoint.nps_dropped",
    "case_late": "case.late",
}


@dataclass(frozen=True)
class AlertMessage:
    """What any destination says of an event: a headline, lines of facts, a link."""

    title: str
    lines: list[str]
    link: str


def webhook_body(*, event_id: str, kind: str, occurred_at: str, payload: dict[str, Any]) -> str:
    body = {"type": EVENT_TYPES[kind], "timestamp": occurred_at, "data": {"id": event_id, **payload}}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def slack_body(message: AlertMessage) -> str:
    text = f"{message.title}\n" + "\n".join(message.lines)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "\n".join(_slack_escape(line) for line in message.lines)},
        },
    ]
    if message.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Kokemus"}, "url": message.link}
                ],
            }
        )
    return json.dumps({"text": text, "blocks": blocks}, ensure_ascii=False)


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reads these three as markup (https://api.slack.com/reference/surfaces/formatting).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_body(message: AlertMessage) -> str:
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium", "wrap": True},
            *({"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"} for line in message.lines),
        ],
    }
    if message.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Kokemus", "url": message.link}]
    body = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
    return json.dumps(body, ensure_ascii=False)
