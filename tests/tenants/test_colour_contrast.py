"""The WCAG 2.x contrast formula against pairs with published ratios, and the text colour it picks."""

import itertools

import pytest

from apps.tenants.colour_contrast import (
    BLACK,
    WHITE,
    colour_normalise,
    contrast_ratio,
    relative_luminance,
    text_colour_on,
)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        # The grey the WebAIM checker is known for: just under AA, and its neighbour just over.
        ("#777777", "#ffffff", 4.48),
        ("#767676", "#ffffff", 4.54),
        ("#ff0000", "#ffffff", 4.00),
        ("#0000ff", "#ffffff", 8.59),
        ("#ffff00", "#000000", 19.56),
        ("#808080", "#ffffff", 3.95),
        # The default brand colour of the survey pages.
        ("#0b6e69", "#ffffff", 6.09),
    ],
)
def test_known_pairs(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.005)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.005)


def test_luminance_ends():
    assert relative_luminance("#000") == 0
    assert relative_luminance("#fff") == pytest.approx(1)


@pytest.mark.parametrize(("value", "normal"), [("#ABC", "#aabbcc"), ("0B6E69", "#0b6e69"), (" #0b6e69 ", "#0b6e69")])
def test_colours_are_normalised(value, normal):
    assert colour_normalise(value) == normal


@pytest.mark.parametrize("value", ["", "#12345", "#gggggg", "red", "#0b6e\n69", "#0b6e69ff", "rgb(0,0,0)"])
def test_what_is_no_hex_colour_is_refused(value):
    with pytest.raises(ValueError):
        colour_normalise(value)


@pytest.mark.parametrize(
    ("background", "text"), [("#0b6e69", WHITE), ("#ffd400", BLACK), ("#000000", WHITE), ("#ffffff", BLACK)]
)
def test_the_text_colour_is_the_one_with_more_contrast(background, text):
    assert text_colour_on(background) == text


def test_every_colour_gets_text_of_at_least_aa_contrast():
    """The worst case of white-or-black is about 4.58:1, so the automatic choice never falls below 4.5:1."""
    steps = range(0, 256, 15)
    worst = min(
        contrast_ratio(colour, text_colour_on(colour))
        for colour in (f"#{r:02x}{g:02x}{b:02x}" for r, g, b in itertools.product(steps, repeat=3))
    )
    assert worst >= 4.5
