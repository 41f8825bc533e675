#!/usr/bin/env bash
# A test "cluster gateway" on this machine, for `edxc apply --profile <cluster>` and its tests: a dedicated user
# (default edxcgw) reached by key only through its own sshd on 127.0.0.1, whose PATH has `hive` (Hive 2.3.10 CLI)
# and `spark-sql` (Spark SQL 4.3.0), each with a metastore of its own, and a warehouse it can write, reached as
# file:// paths. Adapted from the engines recipe this project was given. Run as root. Idempotent: with sshd up and
# nothing changed it only checks (under a second) and prints where things are.
#
#   scripts/engines/start-gateway.sh [DIR]   # DIR as for setup.sh (run first, by this script)
#   EDXC_GATEWAY_PORT (default 2222), EDXC_GATEWAY_USER (default edxcgw)
#
# Writes DIR/gateway/env (what a test reads: host, port, user, key, known_hosts, warehouse, upload directory) and
# DIR/gateway/ssh_config (`ssh -F DIR/gateway/ssh_config edxc-gateway 'hive -f x.hql'`). stop-gateway.sh stops sshd.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
t0=$(now)
[ "$(id -u)" = 0 ] || die "run as root (it creates a user and runs sshd for it)"
bash "$here/setup.sh" "${1:-}"
engines_dir "${1:-}"
PORT=${EDXC_GATEWAY_PORT:-2222}
GW_USER=${EDXC_GATEWAY_USER:-$GW_USER_DEFAULT}
HOST=127.0.0.1
[[ $PORT =~ ^[0-9]+$ ]] || die "EDXC_GATEWAY_PORT=$PORT: not a port number"
[[ $GW_USER =~ ^[a-z_][a-z0-9_-]*$ ]] || die "EDXC_GATEWAY_USER=$GW_USER: not a plain user name"
[ "$GW_USER" != root ] || die "the gateway user must not be root"
[ -x /usr/sbin/sshd ] || die "/usr/sbin/sshd missing: setup.sh installs openssh-server when run as root"
G=$DIR/gateway

# The user: a login shell (sshd runs commands with it), password '*' (no password, but not "locked": without PAM,
# sshd refuses a locked account even for a key).
if ! id -u "$GW_USER" >/dev/null 2>&1; then
  useradd --system --create-home --home-dir "/home/$GW_USER" --shell /bin/bash --password '*' \
    --comment "edxc test cluster gateway" "$GW_USER"
  log "created user $GW_USER"
fi

mkdir -p "$G/sshd" "$G/bin"
make_instance "$G/engines" "$G/bin" "$GW_USER"
# Login shells (`bash -lc ...`) reset PATH from /etc/profile, then Debian's ~/.profile puts ~/bin in front: the
# same commands there.
gw_home=$(getent passwd "$GW_USER" | cut -d: -f6)
own "$GW_USER" "$gw_home/bin"
for c in hive spark-sql; do
  [ "$(readlink "$gw_home/bin/$c" 2>/dev/null)" = "$G/bin/$c" ] ||
    { ln -sfn "$G/bin/$c" "$gw_home/bin/$c"; log "linked $gw_home/bin/$c"; }
done
own "$GW_USER" "$G/warehouse" "$G/tmp"

# Keys: three host key types (whatever the client's libssh2 or OpenSSH prefers is there) and one client key.
for t in ed25519 ecdsa rsa; do
  [ -f "$G/sshd/ssh_host_${t}_key" ] || { ssh-keygen -q -t $t -N '' -C edxc-gateway-host -f "$G/sshd/ssh_host_${t}_key"; log "host key $t"; }
done
[ -f "$G/client_key" ] || { ssh-keygen -q -t ed25519 -N '' -C edxc-gateway-client -f "$G/client_key"; log "client key"; }
put "$G/sshd/authorized_keys" 644 < "$G/client_key.pub"
if [ "$PORT" = 22 ]; then hosts=("$HOST" localhost); else hosts=("[$HOST]:$PORT" "[localhost]:$PORT"); fi
put "$G/known_hosts" 644 < <(for h in "${hosts[@]}"; do
  for t in ed25519 ecdsa rsa; do printf '%s %s\n' "$h" "$(cut -d' ' -f1,2 "$G/sshd/ssh_host_${t}_key.pub")"; done
done)

# The gateway user must reach its wrappers, the pyspark jars, authorized_keys (sshd reads it as the user) and the
# warehouse. DIR is often under a private home (/root is 0700): grant search (x) only, to that user only, with an
# ACL on each directory on the way that it cannot pass yet (chmod o+x where ACLs are unavailable).
reach() {
  runuser -u "$GW_USER" -- sh -c "test -r '$SPARK_HOME/jars/hive-cli-2.3.10.jar' && test -r '$DIR/llap-stub.jar' &&
    test -x '$G/bin/hive' && test -x '$G/bin/spark-sql' && test -r '$G/sshd/authorized_keys' &&
    test -w '$G/warehouse' && test -w '$G/tmp' && test -w '$G/engines/hive'"
}
if ! reach; then
  p=$G; ancestors=()
  while [ "$p" != / ]; do ancestors=("$p" "${ancestors[@]}"); p=$(dirname "$p"); done
  for p in "${ancestors[@]}"; do
    if ! runuser -u "$GW_USER" -- test -x "$p"; then
      if command -v setfacl >/dev/null 2>&1 && setfacl -m "u:$GW_USER:x" "$p" 2>/dev/null; then
        log "granted $GW_USER search (x) on $p (ACL)"
      else chmod o+x "$p"; log "granted others search (x) on $p (chmod o+x: no ACLs here)"; fi
    fi
  done
  reach || die "user $GW_USER still cannot read the engines under $DIR or write $G/warehouse (check the modes there)"
fi
# Files that tests create in the warehouse or the upload directory as root stay writable by the gateway user.
if command -v getfacl >/dev/null 2>&1; then
  for d in "$G/warehouse" "$G/tmp"; do
    getfacl -cd "$d" 2>/dev/null | grep -qx "user:$GW_USER:rwx" ||
      { setfacl -d -m "u:$GW_USER:rwx" "$d" 2>/dev/null && log "default ACL: $GW_USER rwx under $d"; } || true
  done
fi

before=$CHANGED
put "$G/sshd/sshd_config" 644 <<EOF
# The edxc test cluster gateway (scripts/engines/start-gateway.sh). Key-only, one user, loopback only.
ListenAddress $HOST
Port $PORT
HostKey $G/sshd/ssh_host_ed25519_key
HostKey $G/sshd/ssh_host_ecdsa_key
HostKey $G/sshd/ssh_host_rsa_key
PidFile $G/sshd/sshd.pid
AuthorizedKeysFile $G/sshd/authorized_keys
AllowUsers $GW_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment no
SetEnv PATH=$G/bin:/usr/local/bin:/usr/bin:/bin EDXC_GATEWAY_WAREHOUSE=file://$G/warehouse EDXC_GATEWAY_TMP=$G/tmp
X11Forwarding no
PrintMotd no
PrintLastLog no
MaxStartups 64:30:128
MaxSessions 64
Subsystem sftp internal-sftp
EOF
sshd_changed=$((CHANGED - before))

put "$G/env" 644 <<EOF
# The edxc test cluster gateway, written by scripts/engines/start-gateway.sh. One KEY=VALUE a line, no quoting.
EDXC_GATEWAY_HOST=$HOST
EDXC_GATEWAY_PORT=$PORT
EDXC_GATEWAY_USER=$GW_USER
EDXC_GATEWAY_KEY=$G/client_key
EDXC_GATEWAY_PUBKEY=$G/client_key.pub
EDXC_GATEWAY_KNOWN_HOSTS=$G/known_hosts
EDXC_GATEWAY_WAREHOUSE=file://$G/warehouse
EDXC_GATEWAY_TMP=$G/tmp
EDXC_GATEWAY_HIVE=hive
EDXC_GATEWAY_SPARK_SQL=spark-sql
EOF

put "$G/ssh_config" 644 <<EOF
# ssh -F $G/ssh_config edxc-gateway 'hive -f x.hql'
Host edxc-gateway
  HostName $HOST
  Port $PORT
  User $GW_USER
  IdentityFile $G/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $G/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
EOF

# sshd: start it unless ours is up; reload it (SIGHUP: it re-executes with the new config) if its config changed.
pidfile=$G/sshd/sshd.pid
ours() {
  local pid; pid=$(cat "$pidfile" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$G/sshd/sshd_config"
}
port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }
mkdir -p /run/sshd
state="already running"
if ours; then
  if [ "$sshd_changed" != 0 ]; then
    /usr/sbin/sshd -t -f "$G/sshd/sshd_config"
    kill -HUP "$(cat "$pidfile")"; state="reloaded (configuration changed)"; sleep 0.5
  fi
else
  port_open && die "127.0.0.1:$PORT is taken by another program: set EDXC_GATEWAY_PORT"
  /usr/sbin/sshd -t -f "$G/sshd/sshd_config"
  /usr/sbin/sshd -f "$G/sshd/sshd_config" -E "$G/sshd/sshd.log"
  state="started"
fi
if [ "$state" != "already running" ]; then
  for _ in $(seq 1 50); do port_open && break; sleep 0.1; done
  port_open || die "sshd did not come up on $HOST:$PORT (see $G/sshd/sshd.log)"
  # One login proves the key, the host keys and the PATH the gateway user gets.
  got=$(ssh -n -F "$G/ssh_config" edxc-gateway 'command -v hive spark-sql') ||
    die "ssh to the gateway failed (see $G/sshd/sshd.log)"
  [ "$got" = "$G/bin/hive"$'\n'"$G/bin/spark-sql" ] || die "unexpected PATH on the gateway: $got"
fi

log "gateway $GW_USER@$HOST:$PORT $state, $(since "$t0") s"
cat <<EOF
env file:     $G/env
ssh config:   $G/ssh_config   (ssh -F $G/ssh_config edxc-gateway 'hive -f FILE')
client key:   $G/client_key
known_hosts:  $G/known_hosts
warehouse:    file://$G/warehouse
upload dir:   $G/tmp
EOF
