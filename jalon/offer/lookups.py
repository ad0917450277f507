"""`has_any`: does a JSON list contain at least one of the given strings?

Django's `contains` lookup on JSONField does not exist on SQLite, and `has_any_keys` looks at object keys there;
Jalon runs on SQLite for the embedded demo and on PostgreSQL everywhere else, so the offer's list-of-codes fields
(thématiques, publics, zone d'éligibilité…) get their own lookup:

- PostgreSQL (jsonb): `col ?| ARRAY[...]`, which a GIN index with the default `jsonb_ops` serves;
- SQLite: `EXISTS (SELECT 1 FROM json_each(col) WHERE value IN (...))`.

    Service.objects.filter(thematiques__has_any=["mobilite--preparer-un-permis", ...])
"""

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError
from django.db.models import JSONField, Lookup


@JSONField.register_lookup
class HasAny(Lookup):
    lookup_name = "has_any"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, str) or not all(isinstance(value, str) for value in self.rhs):
            raise ValueError("has_any attend une liste de chaînes de caractères.")
        return sorted(set(self.rhs))

    def _values(self):
        if not self.rhs:
            raise EmptyResultSet
        return list(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} ?| %s::text[])", (*lhs_params, self._values())

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values()
        placeholders = ", ".join(["%s"] * len(values))
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) "  # noqa: S608 — lhs is a compiled column, values are params
            f"WHERE json_each.type = 'text' AND json_each.value IN ({placeholders}))"
        )
        return sql, (*lhs_params, *values)

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"Le filtre has_any n'existe pas pour {connection.vendor}.")
