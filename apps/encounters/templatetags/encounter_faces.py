"""{% face value %}: a feeling from -2 to +2 drawn as a face, so it never rests on colour alone."""

from typing import Any

from django import template

from apps.encounters.models import Feeling

register = template.Library()

# The mouth of each face (viewBox 0 0 24 24): a frown at -2 curving to a wide smile at +2.
MOUTHS = {
    -2: "M7.5 17.5 Q12 12.5 16.5 17.5",
    -1: "M8 16.5 Q12 14.2 16 16.5",
    0: "M8 15.5 L16 15.5",
    1: "M8 14.5 Q12 17.8 16 14.5",
    2: "M7 13.5 Q12 20 17 13.5 Z",
}
CSS_SUFFIX = {-2: "m2", -1: "m1", 0: "0", 1: "p1", 2: "p2"}


@register.inclusion_tag("encounters/_face.html")
def face(value: Any, size: str = "") -> dict[str, Any]:
    if value is None or value == "":
        return {"value": None}
    value = int(value)
    return {
        "value": value,
        "mouth": MOUTHS[value],
        "suffix": CSS_SUFFIX[value],
        "label": Feeling(value).label,
        "size": size,
        "filled": value == 2,
    }
