import re
import unicodedata
from functools import lru_cache


_NON_LETTERS = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65_536)  # names repeat: an import of 200 000 persons asks for each a few times
def normalise_name(value: str) -> str:
    """Lower case, no accents, no punctuation: 'Lefèvre-Dupré' and 'LEFEVRE DUPRE' give 'lefevre dupre'."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _NON_LETTERS.sub(" ", ascii_value.lower()).strip()


def plural(count: int) -> str:
    """The French plural mark: « 1 orientation », « 2 orientations »."""
    return "s" if count > 1 else ""
