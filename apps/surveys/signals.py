"""Signals of the surveys app for apps above it (which it may not import).

`response_recorded(sender=Response, response=...)`: an answer was recorded, sent inside the
transaction that records it, after its answers are written. A receiver that writes joins that
transaction; one that does slow work schedules it with `transaction.on_commit`.
"""

from django.dispatch import Signal

response_recorded = Signal()
