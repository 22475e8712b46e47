"""Logo files for the tests, made in memory."""

import io

from PIL import Image


def image_bytes(fmt: str, *, size: tuple[int, int] = (120, 40), mode: str = "RGB", colour: object = (11, 110, 105)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=fmt)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
