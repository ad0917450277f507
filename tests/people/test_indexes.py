"""The people tables' indexes: plain btrees on their keys and identifiers, no LIKE twin (decision 0057)."""

import pytest
from django.db import connection


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _indexes(*tables: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
        return dict(cursor.fetchall())


def test_the_people_tables_keep_no_prefix_match_index_and_their_unique_nir():
    indexes = _indexes("people_person", "people_household")
    assert [name for name, definition in indexes.items() if "pattern_ops" in definition] == []
    # Django's AlterField would have dropped this partial unique index with the NIR hash's plain one.
    assert "UNIQUE" in indexes["person_unique_nir"] and "WHERE" in indexes["person_unique_nir"]
    for name, column in [
        ("household_matricule_idx", "matricule"),
        ("household_departement_idx", "departement_id"),
        ("household_commune_idx", "commune_id"),
        ("person_nir_hash_idx", "nir_hash"),
        ("person_internal_id_idx", "internal_id"),
        ("person_commune_idx", "commune_id"),
    ]:
        assert indexes[name].endswith(f"USING btree ({column})"), indexes[name]
