"""A company logo from an upload: checked to be a real PNG, JPEG or WebP image, then drawn again as a
fresh PNG at a bounded size. No byte of the upload is ever served as it came, so a file that only
pretends to be an image (a script, an SVG, a polyglot) never reaches a customer's browser. No ORM here.
"""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.exceptions import DomainError

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Larger pictures are refused before they are decoded: a small file can unpack into gigabytes.
LOGO_MAX_PIXELS = 25_000_000
# Twice the largest size pages and emails show it at (200 x 60), for sharp high-density screens.
LOGO_BOX = (400, 120)
# SVG is left out on purpose: it may carry scripts.
LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}


@dataclass(frozen=True)
class Logo:
    content: bytes  # PNG
    width: int
    height: int


def _refuse(message: str) -> DomainError:
    return DomainError(message, fields={"logo": [message]})


def logo_prepare(*, upload: IO[bytes], size: int | None = None) -> Logo:
    """The upload as a verified, re-encoded PNG that fits LOGO_BOX; DomainError naming the problem."""
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > LOGO_MAX_BYTES:
        raise _refuse(_("The logo file is too large: at most %(size)s MB.") % {"size": LOGO_MAX_BYTES // 1024 // 1024})
    if size == 0:
        raise _refuse(_("The logo file is empty."))
    upload.seek(0)
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise _refuse(_("The logo file is too large: at most %(size)s MB.") % {"size": LOGO_MAX_BYTES // 1024 // 1024})
    not_an_image = _("Upload a PNG, JPEG or WebP image. This file is not one (SVG is not accepted).")
    with warnings.catch_warnings():
        # Pillow warns, then raises, about huge images; the size check below decides first.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(LOGO_FORMATS)) as probe:
                if probe.width * probe.height > LOGO_MAX_PIXELS:
                    raise _refuse(_("The logo is too large in pixels: at most 25 million."))
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(LOGO_FORMATS)) as image:
                image.seek(0)  # an animated picture: its first frame
                image.load()
                drawn = ImageOps.exif_transpose(image)
        except DomainError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise _refuse(not_an_image) from None
    has_alpha = drawn.mode in ("RGBA", "LA", "PA") or (drawn.mode == "P" and "transparency" in drawn.info)
    drawn = drawn.convert("RGBA" if has_alpha else "RGB")
    drawn.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    drawn.save(out, format="PNG", optimize=True)
    return Logo(content=out.getvalue(), width=drawn.width, height=drawn.height)
