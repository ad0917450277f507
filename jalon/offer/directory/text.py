"""Free text of the directory: the normalised `search_text` of a service and the full-text expressions.

`search_text` holds the service's name, description and structure name without accents nor case
(`normalise_name`), so that « epicerie » finds « Épicerie solidaire ». On PostgreSQL the search is
`to_tsvector('french'::regconfig, search_text) @@ plainto_tsquery('french'::regconfig, …)`: exactly the expression
of the GIN index of migration 0003, so the planner uses it (Django's `SearchVector` wraps the column in
`COALESCE(…)`, which the index does not serve). Elsewhere (SQLite) every word must appear in `search_text`.

Results are ordered by `text_relevance` (where the words start: in the name first), on both engines; see
`bench/README.md` for why not `ts_rank`.
"""

from functools import reduce
from operator import add

from django.db.models import BooleanField, F, Func, IntegerField, TextField, Value
from django.db.models.functions import Coalesce, Concat, NullIf, StrIndex

from jalon.core.text import normalise_name


# Ligatures Unicode does not decompose (NFKD): without this, « Cœur » would become « cur ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def text_normalise(value: str) -> str:
    return normalise_name((value or "").translate(_LIGATURES))


def search_text_build(*, name: str, description: str = "", structure_name: str = "") -> str:
    return text_normalise(" ".join(part for part in (name, description, structure_name) if part))


def query_words(text: str) -> list[str]:
    """The words of a free-text query, normalised like `search_text`, without repeats."""
    return list(dict.fromkeys(text_normalise(text).split()))


class FrenchTsVector(Func):
    """`to_tsvector('french'::regconfig, <column>)`: the indexed expression, nothing around the column."""

    function = "to_tsvector"
    template = "%(function)s('french'::regconfig, %(expressions)s)"
    output_field = TextField()


class FrenchPlainTsQuery(Func):
    function = "plainto_tsquery"
    template = "%(function)s('french'::regconfig, %(expressions)s)"
    output_field = TextField()

    def __init__(self, text: str):
        super().__init__(Value(text, output_field=TextField()))


class FrenchTextMatch(Func):
    """`to_tsvector('french'::regconfig, search_text) @@ plainto_tsquery('french'::regconfig, %s)`, a condition."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()

    def __init__(self, column: str, text: str):
        super().__init__(FrenchTsVector(column), FrenchPlainTsQuery(text))


# A word absent as such (found by French stemming only) ranks after every literal match.
_FAR = 1_000_000


def text_relevance(column: str, words: list[str]):
    """Sum, over the words, of where each starts a word of `column` (1 = first word of the name); lower is more
    relevant. `strpos` / `instr` over text already normalised: a few microseconds per row."""
    spaced = Concat(Value(" "), F(column), output_field=TextField())
    positions = [
        Coalesce(NullIf(StrIndex(spaced, Value(" " + word)), Value(0)), Value(_FAR), output_field=IntegerField())
        for word in words
    ]
    return reduce(add, positions)
