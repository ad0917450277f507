#!/usr/bin/env bash
# `make test`: set up what the tests need (PostgreSQL, Chromium), start a throwaway cluster, run the whole suite.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv requirements/dev.txt
ensure_node_modules
ensure_chromium
start_throwaway_postgres
# The observatory's replica tests read through a real streaming replica (a few seconds to start).
export JALON_TEST_REPLICA="${JALON_TEST_REPLICA:-1}"
[ "$JALON_TEST_REPLICA" = 1 ] && start_throwaway_replica
export DJANGO_SETTINGS_MODULE=jalon.settings.test
PY="$VENV/bin/python"
say "Vérifications statiques (ruff, djlint)"
"$VENV/bin/ruff" check --quiet .
"$VENV/bin/djlint" --lint --quiet jalon/ >/dev/null || "$VENV/bin/djlint" --lint jalon/
"$VENV/bin/lint-imports" --no-cache >/dev/null || "$VENV/bin/lint-imports" --no-cache
say "Suite de tests sur PostgreSQL (navigateur compris)"
export JALON_REQUIRE_BROWSER=1
# Split by file over workers (a module's shared world is built once, by the worker that runs it), one worker per two
# cores: each worker also keeps PostgreSQL (and, for the browser tests, Chromium and a live server) busy. On a
# two-core machine that is one process: in December 2026, two workers there ran the access, observatory, carnet,
# orientation and demo tests in 693 s instead of 857 s, but the browser, API and the rest in 1 328 s instead of
# 1 230 s (the whole suite passes either way). JALON_TEST_WORKERS overrides the count (0: one process).
CORES="$(nproc)"
"$VENV/bin/pytest" -n "${JALON_TEST_WORKERS:-$(( CORES >= 4 ? CORES / 2 : 0 ))}" --dist loadfile "$@"
# The demo runs on SQLite, where a few expressions differ (`Least` and NULL, dates as text): the observatory's tests
# run there too (about two minutes), unless a selection of tests was asked for.
if [ $# -eq 0 ]; then
  say "Tests de l'observatoire sur SQLite (la base de la démo)"
  SQLITE_DIR="$(mktemp -d)"
  env -u DATABASE_REPLICA_URL DATABASE_URL="sqlite:///$SQLITE_DIR/test.sqlite3" JALON_REQUIRE_BROWSER='' \
    JALON_TEST_REPLICA=0 "$VENV/bin/pytest" -n "${JALON_TEST_WORKERS:-$(( CORES >= 4 ? CORES / 2 : 0 ))}" --dist loadfile tests/observatory
  rm -rf "$SQLITE_DIR"
fi
