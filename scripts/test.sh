#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine: provisions (idempotently) what the tests need and
# the machine lacks, then runs formatting, lint and every test. Used by README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log() { printf '== %s\n' "$*" >&2; }

# MariaDB on 127.0.0.1:3306 (root, no password): the result-store and LMS tests use the real server.
mariadb_up() { mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1; }
if ! mariadb_up; then
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    log "installing MariaDB"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq mariadb-server mariadb-client >/dev/null
  fi
  log "starting MariaDB"
  if [ -d /var/lib/mysql/mysql ]; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=root --bind-address=127.0.0.1 --port=3306 || true
  else
    datadir="${EDXC_MARIADB_DIR:-/tmp/edxc-mariadb}"
    mkdir -p "$datadir"
    [ -d "$datadir/mysql" ] || mariadb-install-db --no-defaults --user=root --datadir="$datadir" --auth-root-authentication-method=normal >/dev/null
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --no-defaults --user=root --datadir="$datadir" --bind-address=127.0.0.1 --port=3306 --socket="$datadir/mysqld.sock"
  fi
  for _ in $(seq 1 60); do mariadb_up && break; sleep 1; done
  mariadb_up || { echo "MariaDB did not come up on 127.0.0.1:3306" >&2; exit 1; }
fi

# Build dependencies of the ssh2 crate (libssh2 links OpenSSL).
if ! pkg-config --exists openssl 2>/dev/null; then
  log "installing libssl-dev and pkg-config"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi

# Headless Chromium renders the HTML run report in tests/run_report.rs.
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

# The test cluster gateway: a key-only sshd on 127.0.0.1 whose user runs the real Hive 2.3.10 CLI and Spark SQL
# (built from the pyspark PyPI package; about a minute the first time, under a second when already up).
log "test gateway (Hive and Spark SQL over SSH)"
scripts/engines/start-gateway.sh >/dev/null

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
log "cargo test"
cargo test --workspace --all-targets --no-fail-fast --quiet 2>&1 | tee "${EDXC_TEST_LOG:-/tmp/edxc-test.log}"
log "static edxc-map (glibc +crt-static and musl)"
scripts/build-static.sh >/dev/null
log "PGO edxc-map (profile-guided build, checked against the plain one)"
scripts/build-pgo.sh >/dev/null
log "fuzz (bounded)"
scripts/fuzz.sh
