#!/usr/bin/env bash
# `make run`: set up everything on a fresh machine and serve Jalon with the demo Département on SQLite.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=jalon.settings.dev
# The demo behaves like production: no debug pages (French error pages), several visitors at once.
export DEBUG=false
ensure_venv requirements/base.txt
ensure_node_modules
PY="$VENV/bin/python"
say "Migration de la base SQLite (var/jalon.sqlite3)"
"$PY" manage.py migrate --noinput -v0
say "Chargement du référentiel géographique officiel (COG) des départements 40 et 64"
"$PY" manage.py load_cog --departements 40 64 -v1
"$PY" manage.py load_commune_centres
"$PY" manage.py load_rome
say "Données de démonstration"
"$PY" manage.py seed_demo --departement 40 --departement 64
say "Travailleur des tâches de fond (imports volumineux, codes de connexion de l'espace personnel)"
"$PY" manage.py db_worker --no-reload -v0 &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT
"$PY" manage.py collectstatic --noinput -v0
say "Jalon est servi sur http://127.0.0.1:${PORT:-8000} (Ctrl+C pour arrêter)"
"$VENV/bin/gunicorn" jalon.wsgi:application --bind "127.0.0.1:${PORT:-8000}" --workers 3 --threads 4 \
  --access-logfile - --error-logfile -
