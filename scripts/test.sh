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
# One process: two workers were not faster on this two-core machine (PostgreSQL takes the other core). The suite took
# 27 minutes on a clean clone in December 2026, past the ~20 where it should be split: JALON_TEST_WORKERS=2 splits it
# by file (a module's shared world is then built once per worker), to measure again on more cores.
"$VENV/bin/pytest" -n "${JALON_TEST_WORKERS:-0}" --dist loadfile "$@"
