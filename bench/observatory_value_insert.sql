-- What inserting the observatory's values costs, by what the insert maintains (decisions 0048 and 0050). Run on a base where
-- the benchmark has stored its values (`bench_observatory.py`), then compare the times psql prints:
--     psql "$DATABASE_URL" -f bench/observatory_value_insert.sql
-- Everything happens on copies, dropped at the end; the values table is only read.
\timing on
SET work_mem = '256MB';
-- The values of 2026 (12 months, 4 quarters, the year), shuffled.
CREATE TEMP TABLE bench_values AS
    SELECT * FROM observatory_indicatorvalue WHERE period_start >= DATE '2026-01-01' ORDER BY random();
SELECT count(*) AS values_inserted FROM bench_values;
CREATE TABLE bench_value_copy (LIKE observatory_indicatorvalue INCLUDING ALL);
-- The same insert in each step, into the copy as that step leaves it.
\set insert_values 'INSERT INTO bench_value_copy (departement_id, run_id, indicator_id, territory_level, territory_code, period_kind, period_start, dimension, segment, numerator, denominator, value) SELECT departement_id, run_id, indicator_id, territory_level, territory_code, period_kind, period_start, dimension, segment, numerator, denominator, value FROM bench_values'

\echo '1. the five indexes and the two keys checked (indicator, Département), as before migration 0014'
ALTER TABLE bench_value_copy
    ADD FOREIGN KEY (departement_id) REFERENCES territories_departement (code) DEFERRABLE INITIALLY DEFERRED,
    ADD FOREIGN KEY (indicator_id) REFERENCES observatory_indicator (id) DEFERRABLE INITIALLY DEFERRED;
BEGIN;
SET CONSTRAINTS ALL IMMEDIATE;
:insert_values;
COMMIT;

\echo '2. the five indexes, no key checked (migration 0014)'
TRUNCATE bench_value_copy;
ALTER TABLE bench_value_copy DROP CONSTRAINT bench_value_copy_departement_id_fkey,
    DROP CONSTRAINT bench_value_copy_indicator_id_fkey;
:insert_values;

\echo '3. the primary key and the unique key only'
TRUNCATE bench_value_copy;
DO $$ DECLARE index_name text; BEGIN
    FOR index_name IN SELECT indexname FROM pg_indexes WHERE tablename = 'bench_value_copy'
        AND indexname NOT LIKE '%pkey' AND indexname NOT LIKE '%key' LOOP
        EXECUTE format('DROP INDEX %I', index_name);
    END LOOP;
END $$;
:insert_values;

\echo '4. no index at all, then the unique key built over the rows in one sort (a partition built anew, decision 0050)'
TRUNCATE bench_value_copy;
DO $$ DECLARE constraint_name text; BEGIN
    FOR constraint_name IN SELECT conname FROM pg_constraint WHERE conrelid = 'bench_value_copy'::regclass
        AND contype IN ('p', 'u') LOOP
        EXECUTE format('ALTER TABLE bench_value_copy DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END $$;
:insert_values;
SET maintenance_work_mem = '256MB';
CREATE UNIQUE INDEX ON bench_value_copy (indicator_id, departement_id, territory_level, territory_code, period_kind,
    period_start, dimension, segment);
DROP TABLE bench_value_copy;

\echo '5. an entered indicator''s yearly values (the entered indicators'' page), with then without the index on'
\echo '   (departement, indicator, period_kind, territory_level): see the Execution Time lines'
SELECT id AS indicator FROM observatory_indicator WHERE code = 'B1' \gset
EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM observatory_indicatorvalue
    WHERE indicator_id = :indicator AND departement_id = '59' AND dimension = '' AND period_kind = 'annee'
      AND period_start >= DATE '2024-01-01';
BEGIN;
DROP INDEX observatory_departe_0d62a5_idx;
EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM observatory_indicatorvalue
    WHERE indicator_id = :indicator AND departement_id = '59' AND dimension = '' AND period_kind = 'annee'
      AND period_start >= DATE '2024-01-01';
ROLLBACK;
