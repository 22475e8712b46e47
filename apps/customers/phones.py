"""Phone numbers in E.164 form, without a dependency: Finnish numbers first.

Pure functions, no ORM. "040 123 4567", "+358 40 1234567" and "00358401234567"
all become "+358401234567". Numbers written without a country code are taken
as Finnish, the home market.
"""

import re

DEFAULT_COUNTRY_CODE = "358"
_ALLOWED = re.compile(r"^\+?[\d\s\-().]+$")


def phone_normalize(raw: str) -> str | None:
    """The E.164 form of `raw`, "" for an empty value, None when it is not a phone number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if not _ALLOWED.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        pass
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = DEFAULT_COUNTRY_CODE + digits[1:]
    else:
        digits = DEFAULT_COUNTRY_CODE + digits
    if not 8 <= len(digits) <= 15:
        return None
    return "+" + digits


def phone_search_digits(query: str) -> str:
    """The digits of a search query in the form they appear in a normalised number.

    "040 123" -> "35840123"; "1234567" -> "1234567" (matches anywhere).
    """
    query = (query or "").strip()
    digits = re.sub(r"\D", "", query)
    if query.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return DEFAULT_COUNTRY_CODE + digits[1:]
    return digits
