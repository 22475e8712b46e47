"""Text for PDFs drawn with fpdf2's core fonts (Helvetica), whose Latin-1 covers Finnish and Swedish.

Typographic punctuation outside Latin-1 becomes its nearest plain character, and anything else
outside it (an emoji in a name) is replaced rather than failing the download.
"""

_PUNCTUATION = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2212": "-",
        "\u2248": "~",
    }
)


def pdf_latin1(text: str) -> str:
    return text.translate(_PUNCTUATION).encode("latin-1", "replace").decode("latin-1")
