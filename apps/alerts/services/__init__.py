"""Writes of alerts: destinations, rules, events fired once per fact, their deliveries and replays.

An event is written in the transaction of the fact it tells about (the answer recorded, the
weekly check, the late-case check) together with one outbox message per destination, so an
alert exists exactly when its fact committed, and the outbox delivers each message at least
once (claim, lease, retry with backoff, dead letter). A rule fires once per fact: the event's
(rule, source_key) is unique, and a second try to fire it writes nothing.

`destinations.py` and `alert_rules.py` set alerts up; `events.py` fires them; `deliveries.py`
hands an event to the outbox, replays it, and answers the outbox's question where a webhook goes.
"""
