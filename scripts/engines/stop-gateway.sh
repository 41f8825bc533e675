#!/usr/bin/env bash
# Stops the test cluster gateway's sshd started by start-gateway.sh (only that one: its pid file names it and its
# command line must name its config). Sessions already open end on their own. The user, keys, metastores and
# warehouse stay; start-gateway.sh brings the same gateway back.
#
#   scripts/engines/stop-gateway.sh [DIR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
engines_dir "${1:-}"
G=$DIR/gateway
pidfile=$G/sshd/sshd.pid
pid=$(cat "$pidfile" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
   tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$G/sshd/sshd_config"; then
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "sshd $pid did not stop"
  rm -f "$pidfile"
  log "gateway sshd (pid $pid) stopped"
else
  rm -f "$pidfile"
  log "gateway sshd not running"
fi
