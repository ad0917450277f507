import re
import unicodedata


_NON_LETTERS = re.compile(r"[^a-z0-9]+")


def normalise_name(value: str) -> str:
    """Lower case, no accents, no punctuation: 'Lefèvre-Dupré' and 'LEFEVRE DUPRE' give 'lefevre dupre'."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _NON_LETTERS.sub(" ", ascii_value.lower()).strip()


def plural(count: int) -> str:
    """The French plural mark: « 1 orientation », « 2 orientations »."""
    return "s" if count > 1 else ""
