#!/usr/bin/env bash
# End-to-end check of the test cluster gateway through SSH, with the real OpenSSH client trusting only the
# gateway's known_hosts file: uploads two HiveQL files by SFTP, runs the first with `hive -f` and with
# `spark-sql -f` on the gateway (a database, an external tab-separated TEXTFILE table partitioned by dt,
# INSERT OVERWRITE of one partition, SELECT it back), checks what each prints and the bytes each wrote in the
# warehouse, then runs the second (a statement that fails) on each and shows the exit codes. Four JVM start-ups.
#
#   scripts/engines/smoke.sh [DIR]      # starts the gateway first (start-gateway.sh, idempotent); run as root
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
t0=$(now)
bash "$here/start-gateway.sh" "${1:-}" >/dev/null
engines_dir "${1:-}"

declare -A gw
while IFS='=' read -r k v; do
  case $k in EDXC_GATEWAY_*) gw[$k]=$v ;; esac
done < "$DIR/gateway/env"
port=${gw[EDXC_GATEWAY_PORT]}
ssh_opts=(-F /dev/null -i "${gw[EDXC_GATEWAY_KEY]}" -o IdentitiesOnly=yes
  -o UserKnownHostsFile="${gw[EDXC_GATEWAY_KNOWN_HOSTS]}" -o GlobalKnownHostsFile=/dev/null
  -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR)
target=${gw[EDXC_GATEWAY_USER]}@${gw[EDXC_GATEWAY_HOST]}
remote_dir=${gw[EDXC_GATEWAY_TMP]}/smoke
wh_url=${gw[EDXC_GATEWAY_WAREHOUSE]}/smoke
wh_path=${wh_url#file://}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/smoke.hql" <<'EOF'
CREATE DATABASE IF NOT EXISTS edxc_smoke;
CREATE EXTERNAL TABLE IF NOT EXISTS edxc_smoke.events (user_id INT, username STRING, note STRING)
PARTITIONED BY (dt STRING)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
STORED AS TEXTFILE
LOCATION '${hivevar:root}/events';
INSERT OVERWRITE TABLE edxc_smoke.events PARTITION (dt='2024-01-01')
SELECT 1, 'alice', 'tab\there' UNION ALL SELECT 2, 'bob', 'back\\slash' UNION ALL SELECT 3, CAST(NULL AS STRING), 'x';
SELECT user_id, username, note, dt FROM edxc_smoke.events WHERE dt = '2024-01-01' ORDER BY user_id;
EOF
cat > "$work/fail.hql" <<'EOF'
SELECT * FROM edxc_smoke.no_such_table;
EOF
# What both CLIs print (tab-separated, no escaping, NULL as NULL) and the rows both write (LazySimpleSerDe:
# a tab or backslash in a value escaped with a backslash, NULL as \N), byte for byte.
want_out=$(printf '1\talice\ttab\there\t2024-01-01\n2\tbob\tback\\slash\t2024-01-01\n3\tNULL\tx\t2024-01-01')
want_rows=$(printf '1\talice\ttab\\\there\n2\tbob\tback\\\\slash\n3\t\\N\tx')

t=$(now)
sftp -b - "${ssh_opts[@]}" -P "$port" "$target" > /dev/null 2> >(grep -v '^remote mkdir .*: Failure' >&2) <<EOF
-mkdir $remote_dir
put $work/smoke.hql $remote_dir/smoke.hql
put $work/fail.hql $remote_dir/fail.hql
EOF
log "sftp upload: $(since "$t") s"

failed=0
report=()
for engine in hive spark-sql; do
  t=$(now)
  rc=0
  ssh -n "${ssh_opts[@]}" -p "$port" "$target" "$engine --hivevar root=$wh_url/$engine -f $remote_dir/smoke.hql" \
    > "$work/$engine.out" 2> "$work/$engine.err" || rc=$?
  secs=$(since "$t")
  rows=$(find "$wh_path/$engine/events/dt=2024-01-01" -type f ! -name '.*' ! -name '_*' -exec cat {} + 2>/dev/null | sort || true)
  files=$(cd "$wh_path/$engine/events/dt=2024-01-01" 2>/dev/null && ls | sed 's/-[0-9a-f]\{8\}-[0-9a-f-]\{27\}-c000$/-UUID-c000/' | tr '\n' ' ' || true)
  if [ "$rc" = 0 ] && [ "$(cat "$work/$engine.out")" = "$want_out" ] && [ "$rows" = "$want_rows" ]; then
    verdict=ok
  else
    verdict=FAILED; failed=1
    { echo "--- $engine: exit $rc; stdout:"; cat -A "$work/$engine.out"; echo "--- rows written:"
      printf '%s\n' "$rows" | cat -A; echo "--- stderr (last 30 lines):"; tail -30 "$work/$engine.err"; } >&2
  fi
  report+=("$(printf '%-9s smoke.hql  %6s s  exit %-3s %s  (partition files: %s+ .crc files)' "$engine" "$secs" "$rc" "$verdict" "$files")")

  t=$(now)
  rc=0
  ssh -n "${ssh_opts[@]}" -p "$port" "$target" "$engine -f $remote_dir/fail.hql" > "$work/$engine.fail.out" 2> "$work/$engine.fail.err" || rc=$?
  secs=$(since "$t")
  msg=$(grep -m1 -E '^\[[A-Z_]+\]|FAILED|Error|Exception' "$work/$engine.fail.err" | cut -c1-110 || true)
  if [ "$rc" = 0 ]; then verdict=FAILED; failed=1; else verdict=ok; fi
  report+=("$(printf '%-9s fail.hql   %6s s  exit %-3s %s  (%s)' "$engine" "$secs" "$rc" "$verdict" "$msg")")
done

printf '%s\n' "${report[@]}"
log "smoke $([ $failed = 0 ] && echo passed || echo FAILED) in $(since "$t0") s (gateway ${target}:${gw[EDXC_GATEWAY_PORT]})"
exit $failed
