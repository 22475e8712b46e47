"""The words a suggestion is shown in: the form customers wrote most often of a stemmed word or two-word
phrase ("pitkä jono" for the stems `pitk jono`). Pure: texts and each word's stems in, the form out; the
stems come from PostgreSQL's configuration of the comments' language (apps/themes/selectors.py).
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping

# Words as customers write them: runs of letters and digits. PostgreSQL's parser splits a little
# differently (hyphenated words, numbers with a point).
_WORD = re.compile(r"[^\W_]+")
# A sentence or a clause ends here: a phrase is not read across it.
_BREAK = re.compile(r"[.!?;:,]")


def text_words(text: str) -> list[list[str]]:
    """The words of `text`, lower case, sentence by sentence (and clause by clause: a comma breaks too)."""
    return [[word.lower() for word in _WORD.findall(part)] for part in _BREAK.split(text) if part.strip()]


def surface_form(*, lexemes: tuple[str, ...], texts: Iterable[str], stems: Mapping[str, str | None]) -> str | None:
    """The most common way `texts` write the word or adjacent words whose stems are `lexemes` within one
    sentence or clause (ties: the alphabetically first); None when none of them does. `stems` maps each
    lower-case word to its stem (None for a stop word)."""
    size = len(lexemes)
    forms: Counter[str] = Counter()
    for text in texts:
        for words in text_words(text):
            for start in range(len(words) - size + 1):
                window = words[start : start + size]
                if tuple(stems.get(word) for word in window) == lexemes:
                    forms[" ".join(window)] += 1
    if not forms:
        return None
    return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
