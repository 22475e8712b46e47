import pytest

from apps.outbox.sms_length import GSM7, UCS2, sms_length


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", GSM7, 0, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        # Finnish and Swedish letters are in the GSM-7 alphabet.
        ("äöåÄÖÅ" * 20, GSM7, 120, 1),
        ("Kiitos käynnistä! Miten onnistuimme? Svara gärna på enkäten. " * 2, GSM7, 122, 1),
        # The extension table takes two septets.
        ("€", GSM7, 2, 1),
        ("[]", GSM7, 4, 1),
        ("a" * 158 + "€", GSM7, 160, 1),
        ("a" * 159 + "€", GSM7, 161, 2),
        # One emoji makes the whole text UCS-2, and takes two UTF-16 units.
        ("Kiitos 🙂", UCS2, 9, 1),
        ("ä" * 70, GSM7, 70, 1),
        ("“" + "a" * 69, UCS2, 70, 1),
        ("“" + "a" * 70, UCS2, 71, 2),
        ("“" + "a" * 133, UCS2, 134, 2),
        ("“" + "a" * 134, UCS2, 135, 3),
    ],
)
def test_encoding_units_and_segments(text: str, encoding: str, units: int, segments: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_per_segment_limits() -> None:
    assert sms_length("a").per_segment == 160
    assert sms_length("a" * 200).per_segment == 153
    assert sms_length("🙂").per_segment == 70
    assert sms_length("🙂" * 40).per_segment == 67


def test_an_escape_pair_is_never_split_between_parts() -> None:
    # 152 septets, then "€" (2) would straddle the 153 boundary: it moves to the next part.
    text = "a" * 152 + "€" + "a" * 152
    length = sms_length(text)
    assert length.units == 306
    assert length.segments == 3


def test_a_surrogate_pair_is_never_split_between_parts() -> None:
    text = "“" + "a" * 65 + "🙂" + "a" * 66
    length = sms_length(text)
    assert length.units == 134
    assert length.segments == 3


def test_characters_left() -> None:
    assert sms_length("a" * 150).characters_left == 10
    assert sms_length("a" * 160).characters_left == 0
    assert sms_length("a" * 161).characters_left == 145
