"""Colour contrast by the WCAG 2.x formula (relative luminance of sRGB), without the ORM.

https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio and #dfn-relative-luminance.
"""

import re

WHITE = "#ffffff"
BLACK = "#000000"
# WCAG 2.x AA for normal-size text (success criterion 1.4.3).
TEXT_CONTRAST_MIN = 4.5

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def colour_normalise(value: str) -> str:
    """`value` as "#rrggbb" in lower case; "#abc" and "abc" are accepted. ValueError if it is no hex colour."""
    match = _HEX.match(value.strip())
    if not match:
        raise ValueError(f"not a hex colour: {value!r}")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits


def _linear(channel: int) -> float:
    value = channel / 255
    # 0.04045 is the sRGB standard's threshold; WCAG 2.0 printed 0.03928, which gives the same
    # result for every 8-bit value.
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    digits = colour_normalise(colour)[1:]
    red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter over the darker: from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or black, whichever reads better on `background`.

    One of the two always reaches at least 4.58:1 (the worst case is a background whose
    luminance is sqrt(1.05 x 0.05) - 0.05, where both give the same ratio), so every brand
    colour gets button text that meets AA; white wins a tie, as most brands expect it.
    """
    on_white = contrast_ratio(background, WHITE)
    on_black = contrast_ratio(background, BLACK)
    return WHITE if on_white >= on_black else BLACK
