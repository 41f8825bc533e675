# Shared by the scripts in scripts/engines/ (sourced, not run). Adapted from the engines recipe this project was
# given (Spark SQL and the real Hive 2.3.10 CLI built from the pyspark PyPI package, plus a key-only sshd).
#
# Everything lives under one directory, DIR: the first argument of each script, else $EDXC_ENGINES_DIR, else
# $HOME/.cache/edxc-engines. Writes go through `put`, which leaves a file alone when its content and mode are
# already right, so a second run changes nothing.

PYSPARK_VERSION=4.3.0
GW_USER_DEFAULT=edxcgw

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# engines_dir [DIR]: sets DIR (absolute, no symlinks). Paths end up in XML, Java class paths, file:// URLs and
# sshd_config, so only plain characters are accepted.
engines_dir() {
  local d=${1:-${EDXC_ENGINES_DIR:-$HOME/.cache/edxc-engines}}
  case $d in /*) ;; *) d=$PWD/$d ;; esac
  [[ $d =~ ^[A-Za-z0-9_./+@-]+$ ]] || die "engines directory '$d': use only letters, digits and . _ / + @ -"
  mkdir -p "$d"
  DIR=$(cd "$d" && pwd -P)
  SPARK_HOME=$DIR/py/pyspark
}

# put FILE MODE < content: writes FILE only if its content or mode differs. Counts writes in CHANGED.
CHANGED=0
put() {
  local f=$1 mode=$2 tmp
  tmp=$(mktemp)   # not beside FILE: even a temporary file there would change its directory's mtime
  cat > "$tmp"
  if ! { [ -f "$f" ] && cmp -s "$tmp" "$f" && [ "$(stat -c %a "$f")" = "$mode" ]; }; then
    cp "$tmp" "$f.partial"
    chmod "$mode" "$f.partial"
    mv -f "$f.partial" "$f"
    CHANGED=$((CHANGED + 1))
    log "wrote $f"
  fi
  rm -f "$tmp"
}

# own USER PATH...: makes PATH (a directory, created if missing) owned by USER, only where it is not already.
own() {
  local user=$1 p; shift
  for p in "$@"; do
    mkdir -p "$p"
    if [ "$(stat -c %U "$p")" != "$user" ]; then chown "$user:$(id -gn "$user")" "$p"; log "chown $user $p"; fi
  done
}

java_home() {
  local j
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then j=$JAVA_HOME
  else j=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")"); fi
  printf '%s\n' "$j"
}

# make_instance STATE BIN USER: one Hive CLI and one Spark SQL, each with its own Derby metastore, warehouse,
# scratch and temp directories under STATE (owned by USER), and the wrappers BIN/hive and BIN/spark-sql.
# A Derby metastore admits one JVM at a time, so each wrapper holds a lock (flock) on its engine for the run:
# concurrent runs of one engine queue instead of failing. The wrappers refuse to run as any user but USER, so
# that no file in STATE gets another owner.
make_instance() {
  local S=$1 B=$2 user=$3 uid jh opens p e
  uid=$(id -u "$user")
  jh=$(java_home)
  mkdir -p "$S/conf/hive" "$S/conf/spark" "$B"
  own "$user" "$S" "$S/hive" "$S/spark" "$S/hive/tmp" "$S/spark/tmp"   # the engines make the rest themselves
  local JIT="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

  put "$S/conf/spark/log4j2.properties" 644 <<'EOF'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.hive.name = org.apache.hadoop.hive
logger.hive.level = error
EOF
  # Hive's CLI looks for hive-log4j2.properties on its class path (else it takes the one in its jar, at INFO).
  put "$S/conf/hive/hive-log4j2.properties" 644 < "$S/conf/spark/log4j2.properties"

  put "$S/conf/spark/spark-defaults.conf" 644 <<EOF
spark.master                     local[2]
spark.sql.catalogImplementation  hive
spark.sql.warehouse.dir          file://$S/spark/warehouse
spark.hadoop.javax.jdo.option.ConnectionURL  jdbc:derby:;databaseName=$S/spark/metastore;create=true
spark.hadoop.hive.exec.scratchdir  $S/spark/scratch
spark.hadoop.hive.exec.local.scratchdir  $S/spark/localscratch
spark.hadoop.hive.downloaded.resources.dir  $S/spark/resources
spark.hadoop.hive.querylog.location  $S/spark/querylog
spark.hadoop.hadoop.tmp.dir      $S/spark/tmp
spark.driver.memory              1g
spark.driver.extraJavaOptions    $JIT -Dderby.system.home=$S/spark -Djava.io.tmpdir=$S/spark/tmp
spark.ui.enabled                 false
spark.sql.shuffle.partitions     2
spark.hadoop.hive.exec.dynamic.partition.mode nonstrict
EOF

  prop() { echo "  <property><name>$1</name><value>$2</value></property>"; }
  put "$S/conf/hive/hive-site.xml" 644 < <(
    echo "<configuration>"
    prop javax.jdo.option.ConnectionURL "jdbc:derby:;databaseName=$S/hive/metastore;create=true"
    prop hive.metastore.warehouse.dir "file://$S/hive/warehouse"
    prop datanucleus.schema.autoCreateAll true
    prop hive.metastore.schema.verification false
    prop datanucleus.connectionPoolingType None
    prop fs.defaultFS file:///
    prop mapreduce.framework.name local
    prop hadoop.tmp.dir "$S/hive/tmp"
    prop mapreduce.jobtracker.staging.root.dir "$S/hive/tmp/staging"
    prop hive.exec.scratchdir "$S/hive/scratch"
    prop hive.exec.local.scratchdir "$S/hive/localscratch"
    prop hive.downloaded.resources.dir "$S/hive/resources"
    prop hive.querylog.location "$S/hive/querylog"
    prop hive.cbo.enable false
    prop hive.stats.autogather false
    prop hive.async.log.enabled false
    prop hive.exec.submit.local.task.via.child false
    prop hive.exec.dynamic.partition.mode nonstrict
    echo "</configuration>")

  opens=""
  for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
           java.util.concurrent.atomic java.util.regex java.text sun.nio.ch sun.nio.cs sun.security.action \
           sun.util.calendar; do
    opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
  done

  put "$B/hive" 755 <<EOF
#!/usr/bin/env bash
# Apache Hive 2.3.10 CLI (Hadoop local runner, metastore and warehouse under $S).
# Generated by edxc's scripts/engines; rewritten by the next run of them.
[ "\$EUID" = $uid ] || { echo "hive: this instance belongs to user $user; run it as $user" >&2; exit 126; }
exec flock "$S/hive/lock" "$jh/bin/java"$opens $JIT -Xmx1g \\
  -Dderby.system.home="$S/hive" -Djava.io.tmpdir="$S/hive/tmp" \\
  -cp "$S/conf/hive:$DIR/llap-stub.jar:$SPARK_HOME/jars/*" org.apache.hadoop.hive.cli.CliDriver "\$@"
EOF

  put "$B/spark-sql" 755 <<EOF
#!/usr/bin/env bash
# Spark SQL $PYSPARK_VERSION with Hive support (local[2], metastore and warehouse under $S).
# Generated by edxc's scripts/engines; rewritten by the next run of them.
[ "\$EUID" = $uid ] || { echo "spark-sql: this instance belongs to user $user; run it as $user" >&2; exit 126; }
export JAVA_HOME="$jh" SPARK_HOME="$SPARK_HOME" SPARK_CONF_DIR="$S/conf/spark"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$S/spark/tmp"
exec flock "$S/spark/lock" "$SPARK_HOME/bin/spark-sql" "\$@"
EOF
}
