"""Three themes of the demo comments, tagged at once (the worker would do it after a change)."""

from apps.demo.seeds.context import DemoContext
from apps.themes.models import Theme
from apps.themes.services import theme_create, theme_retag

DEMO_THEMES = [
    {
        "name": "Jonotus",
        "name_sv": "Köer",
        "name_en": "Waiting",
        "terms": ["jono", "jonottaa", "odottaa", "odotus", "kö", "queue", "wait"],
    },
    {"name": "Hinta", "name_sv": "Pris", "name_en": "Price", "terms": ["hinta", "kallis", "pris", "price"]},
    {
        "name": "Ystävällisyys",
        "name_sv": "Vänlighet",
        "name_en": "Friendliness",
        "terms": ["ystävällinen", "ystävällisesti", "vänlig", "friendly"],
    },
]


def seed(*, context: DemoContext) -> None:
    existing = set(Theme.objects.values_list("name", flat=True))
    for fields in DEMO_THEMES:
        if fields["name"] in existing:
            continue
        theme = theme_create(**fields)  # type: ignore[arg-type]
        theme_retag(theme_id=theme.pk, run=theme.run)
