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
say "Suite de tests sur PostgreSQL (navigateur compris)"
export JALON_REQUIRE_BROWSER=1
"$VENV/bin/pytest" "$@"
