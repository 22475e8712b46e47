"""Compile the gettext catalogues (.po to .mo) with polib, so no GNU gettext is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

CATALOGUE_NAMES = ("django.po", "djangojs.po")


def catalogues_find(*, base_dir: Path) -> list[Path]:
    """Every catalogue under locale/ and apps/*/locale/, sorted for a stable output."""
    roots = [base_dir / "locale", *sorted(base_dir.glob("apps/*/locale"))]
    found: list[Path] = []
    for root in roots:
        for name in CATALOGUE_NAMES:
            found.extend(root.glob(f"*/LC_MESSAGES/{name}"))
    return sorted(found)


class Command(BaseCommand):
    help = "Compile every django.po and djangojs.po under locale/ and apps/*/locale/ to .mo (fuzzy entries skipped)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="parse the catalogues without writing .mo files")

    def handle(self, *args: object, **options: object) -> None:
        base_dir = Path(settings.BASE_DIR)
        catalogues = catalogues_find(base_dir=base_dir)
        failures: list[str] = []
        for po_path in catalogues:
            relative = po_path.relative_to(base_dir)
            try:
                catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
            except (OSError, ValueError) as error:
                failures.append(f"{relative}: {error}")
                continue
            if not options["check"]:
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(
                f"{relative}: {len(catalogue.translated_entries())} translated, "
                f"{len(catalogue.untranslated_entries())} untranslated, {len(catalogue.fuzzy_entries())} fuzzy"
            )
        if failures:
            raise CommandError("Broken catalogues:\n" + "\n".join(failures))
        verb = "checked" if options["check"] else "compiled"
        self.stdout.write(self.style.SUCCESS(f"{len(catalogues)} catalogue(s) {verb}."))
