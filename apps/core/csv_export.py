"""How exported CSV files are written, the same for every export of the app.

By default a file is what Excel expects with Finnish regional settings: semicolons between
fields and a decimal comma, so that 12,5 stays a number and does not become 12 May. With
`?delimiter=comma` an export gives commas and decimal points, for scripts and other programs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal_mark: str


EXCEL_FINNISH = CsvFormat(delimiter=";", decimal_mark=",")
PLAIN = CsvFormat(delimiter=",", decimal_mark=".")


def csv_format_for(delimiter: str | None) -> CsvFormat:
    """The format an export's `delimiter` query parameter asks for: `comma` for plain CSV,
    anything else (or nothing) the semicolons Finnish Excel reads."""
    return PLAIN if delimiter == "comma" else EXCEL_FINNISH
