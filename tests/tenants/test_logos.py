"""A logo upload is checked by its content, not its name, and always comes out as a fresh, bounded PNG."""

import io

import pytest
from django.utils import translation
from PIL import Image

from apps.core.exceptions import DomainError
from apps.tenants.logos import LOGO_BOX, LOGO_MAX_BYTES, logo_prepare
from tests.tenants.branding_files import SVG, image_bytes


def _prepared(data: bytes):
    return logo_prepare(upload=io.BytesIO(data))


def _refusal(data: bytes) -> str:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        _prepared(data)
    assert list(caught.value.fields) == ["logo"]
    return caught.value.fields["logo"][0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_are_accepted_and_re_encoded_as_png(fmt):
    logo = _prepared(image_bytes(fmt))
    with Image.open(io.BytesIO(logo.content)) as image:
        assert image.format == "PNG"
        assert image.size == (logo.width, logo.height) == (120, 40)


def test_transparency_is_kept():
    logo = _prepared(image_bytes("PNG", mode="RGBA", colour=(0, 0, 0, 0)))
    with Image.open(io.BytesIO(logo.content)) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


def test_a_large_logo_is_scaled_down_to_fit_keeping_its_shape():
    logo = _prepared(image_bytes("PNG", size=(2000, 500)))
    assert (logo.width, logo.height) == (LOGO_BOX[0], LOGO_BOX[0] // 4)


def test_the_content_decides_not_the_name():
    # A JPEG that the browser called logo.png is a JPEG, and accepted; the stored file is a PNG anyway.
    assert _prepared(image_bytes("JPEG")).width == 120


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(b"<?php echo 'hello'; ?>", id="script-named-png"),
        pytest.param(image_bytes("GIF", mode="P", colour=1), id="gif"),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(image_bytes("PNG")[:60], id="truncated-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, id="png-signature-only"),
    ],
)
def test_what_is_not_a_png_jpeg_or_webp_is_refused_with_a_clear_message(data):
    assert "PNG, JPEG or WebP" in _refusal(data)


def test_an_oversize_file_is_refused_before_it_is_read():
    data = image_bytes("PNG") + b"\0" * LOGO_MAX_BYTES
    assert "too large" in _refusal(data)


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded():
    # 6000 x 5000 = 30 million pixels, a few kilobytes as a PNG of one colour.
    data = image_bytes("PNG", size=(6000, 5000), mode="1", colour=1)
    assert len(data) < LOGO_MAX_BYTES
    assert "pixels" in _refusal(data)


def test_an_empty_file_is_refused():
    assert "empty" in _refusal(b"")
