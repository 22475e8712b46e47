"""Plain values written the way the API's DRF serializers write them, for the light list reads.

The list APIs read their pages as `.values()` rows and write them with these instead of
building a model instance and a serializer field per value; their output serializers
stay the schema, and tests compare both ways on the same rows.
"""

import datetime as dt

from django.utils import timezone


def datetime_text(value: dt.datetime | None) -> str | None:
    """What DRF's DateTimeField writes: ISO 8601 in the current time zone, "Z" for UTC."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
