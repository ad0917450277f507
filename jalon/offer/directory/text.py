"""Free text of the directory: the derived search columns of a service and the full-text expressions.

`search_text` holds the service's name, description and structure name without accents nor case
(`normalise_name`), so that « epicerie » finds « Épicerie solidaire ». On PostgreSQL, `search_vector` stores the same
three parts as a weighted French `tsvector` (GIN index, migration 0009): the name weighs A, the description B, the
structure's name C (decision 0040). The search is `search_vector @@ plainto_tsquery('french', …)`, ordered by
`ts_rank` over the stored vector, which reads it back instead of rebuilding it. Elsewhere (the SQLite demo) every
word must appear in `search_text` and results are ordered by where the words start (`text_relevance`).

Every write of a service's name, description or structure goes through `search_values`, which gives both columns.
"""

from functools import reduce
from operator import add
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, F, Func, IntegerField, TextField, Value
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


# The stored vector over three texts already normalised (name, description, structure's name).
WEIGHTED_VECTOR_SQL = (
    "(setweight(to_tsvector('french'::regconfig, {name}), 'A')"
    " || setweight(to_tsvector('french'::regconfig, {description}), 'B')"
    " || setweight(to_tsvector('french'::regconfig, {structure}), 'C'))"
)
_TEXT: TextField = TextField()


class WeightedFrenchVector(Func):
    """`WEIGHTED_VECTOR_SQL` over three values (no column), so that it can be written by INSERT as well as UPDATE."""

    output_field = _TEXT

    def __init__(self, name: str, description: str, structure_name: str):
        super().__init__(*(Value(part, output_field=_TEXT) for part in (name, description, structure_name)))

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            sqls.append(sql)
            params.extend(expression_params)
        name, description, structure = sqls
        return WEIGHTED_VECTOR_SQL.format(name=name, description=description, structure=structure), params


def search_parts(*, name: str, description: str = "", structure_name: str = "") -> tuple[str, str, str]:
    """The three weighted parts of a service's search columns, normalised."""
    return text_normalise(name), text_normalise(description), text_normalise(structure_name)


def search_text_join(parts: tuple[str, str, str]) -> str:
    return " ".join(part for part in parts if part)


def search_values(
    *, name: str, description: str = "", structure_name: str = "", using: str = DEFAULT_DB_ALIAS
) -> dict[str, Any]:
    """The derived search columns of a service, to write with it: `search_text` on every engine, `search_vector`
    (an SQL expression) on PostgreSQL; None elsewhere, where nothing reads it."""
    parts = search_parts(name=name, description=description, structure_name=structure_name)
    postgresql = connections[using].vendor == "postgresql"
    vector: Expression | None = WeightedFrenchVector(*parts) if postgresql else None
    return {"search_text": search_text_join(parts), "search_vector": vector}


# A word absent as such ranks after every literal match (SQLite fallback).
_FAR = 1_000_000


def text_relevance(column: str, words: list[str]):
    """SQLite's ordering: sum, over the words, of where each starts a word of `column` (1 = first word of the name);
    lower is more relevant. `instr` over text already normalised."""
    spaced = Concat(Value(" "), F(column), output_field=TextField())
    positions = [
        Coalesce(NullIf(StrIndex(spaced, Value(" " + word)), Value(0)), Value(_FAR), output_field=IntegerField())
        for word in words
    ]
    return reduce(add, positions)
