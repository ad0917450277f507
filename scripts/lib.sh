# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Il faut les droits administrateur pour : $*" >&2; return 1; fi
}

apt_install() {
  say "Installation des paquets Debian : $*"
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_python() {
  PYTHON="${PYTHON:-python3.11}"
  command -v "$PYTHON" >/dev/null || PYTHON=python3
  if ! "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    echo "Jalon demande Python 3.11 (trouvé : $("$PYTHON" --version 2>&1))." >&2; exit 1
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
}

# ensure_venv requirements/base.txt|requirements/dev.txt — installs the hashed lock file when it changed.
ensure_venv() {
  local lock="$ROOT/$1" stamp
  ensure_python
  [ -x "$VENV/bin/python" ] || { say "Création de l'environnement virtuel"; "$PYTHON" -m venv "$VENV"; }
  stamp="$VENV/.installed-$(basename "$lock" .txt)-$(sha256sum "$lock" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installation des dépendances Python ($1)"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q --require-hashes --no-deps -r "$lock"
    rm -f "$VENV"/.installed-"$(basename "$lock" .txt)"-*
    touch "$stamp"
  fi
}

ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  local stamp="$ROOT/node_modules/.installed-$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installation des données de référence et ressources front (npm)"
    (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
}

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }; done
  return 1
}

ensure_postgres() {
  pg_bindir >/dev/null || apt_install postgresql
  PG_BIN="$(pg_bindir)"
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
  # Fonts so that screenshots and axe colour-contrast checks see real glyphs.
  fc-list 2>/dev/null | grep -qi "dejavu" || apt_install fonts-dejavu-core fontconfig
}

# Starts a throwaway PostgreSQL cluster for this run only and exports DATABASE_URL; removed on exit.
start_throwaway_postgres() {
  ensure_postgres
  PG_DIR="$(mktemp -d /tmp/jalon-pg.XXXXXX)"
  PG_PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
    id postgres >/dev/null 2>&1 || useradd --system --home "$PG_DIR" postgres
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  say "PostgreSQL jetable ($("$PG_BIN/postgres" --version | awk '{print $3}')) sur le port $PG_PORT"
  "${run[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  trap 'stop_throwaway_postgres' EXIT
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

# Starts a streaming replica of the throwaway cluster (pg_basebackup -R, its own port) and exports
# DATABASE_REPLICA_URL; stopped and removed with the cluster.
start_throwaway_replica() {
  local run=()
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  REPLICA_PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  say "Réplique en flux de ce PostgreSQL sur le port $REPLICA_PORT"
  "${run[@]}" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$PG_DIR/replica" -R -X stream -c fast
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w start \
    -o "-p $REPLICA_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off" >/dev/null
  export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
}

stop_throwaway_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  local run=() data
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  for data in "$PG_DIR/replica" "$PG_DIR/data"; do
    [ -d "$data" ] && { "${run[@]}" "$PG_BIN/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; }
  done
  rm -rf "$PG_DIR"
}
