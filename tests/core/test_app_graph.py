"""The one-way app graph (.importlinter): the same check CI runs with `lint-imports`."""

import configparser
import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_apps_import_one_way(capsys) -> None:
    previous = Path.cwd()
    os.chdir(ROOT)  # import-linter finds its configuration and the packages from the repository's root
    try:
        exit_code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True)
    finally:
        os.chdir(previous)
    assert exit_code == 0, capsys.readouterr().out


def test_the_contract_ignores_no_import() -> None:
    """An ignored import is a hole in the graph; a new one must be fixed by moving code, not listed."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    for section in config.sections():
        assert not config[section].get("ignore_imports", "").strip(), section
