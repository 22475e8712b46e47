"""How long a text message is: its encoding (GSM-7 or UCS-2) and the parts it is sent in.

Pure functions, no ORM. A text whose every character is in the GSM 03.38 alphabet goes as
GSM-7: 160 septets in one message, 153 per part once split (the other seven carry the
concatenation header). The extension table's characters (€ [ ] { } \\ ^ ~ | and form feed)
take two septets each: an escape and the character. One character outside both tables
(an emoji, a typographic quote) makes the whole text UCS-2: 70 UTF-16 units in one message,
67 per part; a character beyond the Basic Multilingual Plane (most emoji) takes two units.
A phone joins the parts again, but neither an escape pair nor a surrogate pair may be split
between parts, so a text near a boundary can need one part more than its length divided by
153 (or 67) says.
"""

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "gsm7"
UCS2 = "ucs2"
# (one message, one part of a split message), in septets (GSM-7) or UTF-16 units (UCS-2).
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM7 or UCS2
    units: int  # septets or UTF-16 units in all
    segments: int  # messages the phone receives and the company pays for
    per_segment: int  # the limit of one part: 160/153 or 70/67

    @property
    def encoding_label(self) -> str:
        return "GSM-7" if self.encoding == GSM7 else "UCS-2"

    @property
    def characters_left(self) -> int:
        """Units left in the last part before one more part is needed."""
        return self.segments * self.per_segment - self.units if self.units else self.per_segment


def sms_encoding(text: str) -> str:
    """GSM7 when every character is in the GSM 03.38 tables, else UCS2."""
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def _unit_sizes(text: str, encoding: str) -> list[int]:
    """Each character's size in units, kept together: an escape pair or a surrogate pair is one item of 2."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def sms_length(text: str) -> SmsLength:
    """The encoding, size and number of parts of `text` as one SMS."""
    encoding = sms_encoding(text)
    single, part = _LIMITS[encoding]
    sizes = _unit_sizes(text, encoding)
    units = sum(sizes)
    if units <= single:
        return SmsLength(encoding=encoding, units=units, segments=1, per_segment=single)
    segments, filled = 1, 0
    for size in sizes:
        if filled + size > part:
            segments, filled = segments + 1, 0
        filled += size
    return SmsLength(encoding=encoding, units=units, segments=segments, per_segment=part)
