#!/usr/bin/env bash
# Real engines for edxc's cluster tests, on this machine: the Apache Hive 2.3.10 CLI (Hadoop local runner) and
# Spark SQL 4.3.0 with Hive support, both built from the pyspark PyPI package. Adapted from the engines recipe
# this project was given. Idempotent: a second run checks, changes nothing and takes well under a second.
#
#   scripts/engines/setup.sh [DIR]      # DIR: default $EDXC_ENGINES_DIR, else $HOME/.cache/edxc-engines
#
# Installs what is missing: openssh-server and acl (apt, for start-gateway.sh; root only), a JDK if javac is
# missing, and pyspark==4.3.0 with `pip --target DIR/py` (nothing system-wide). Builds DIR/llap-stub.jar (three
# tiny classes Hive 2.3 needs and pyspark lacks) and the wrappers DIR/bin/hive and DIR/bin/spark-sql, each with its
# own Derby metastore and warehouse under DIR/local/{hive,spark}. See scripts/engines/README.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t0=$(now)
engines_dir "${1:-}"
installed=()

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local made_policy=""
  # Keep apt from starting the system's own sshd on port 22: this project only runs its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  local t; t=$(now)
  log "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
  log "apt-get install: $(since "$t") s"
}

need=()
{ command -v javac && command -v jar; } >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v setfacl >/dev/null 2>&1 || need+=(acl)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then apt_install "${need[@]}"; installed+=("${need[@]}")
  else log "not root: cannot install ${need[*]} (the gateway needs openssh-server and acl)"; fi
fi
command -v javac >/dev/null 2>&1 || die "javac not found: install a JDK 17 or newer"
jh=$(java_home)
jv=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jh/release" 2>/dev/null || true)
[ -n "$jv" ] && [ "$jv" -ge 17 ] || die "Java 17 or newer needed (found '${jv:-?}' in $jh)"

# pyspark (its jars: Spark 4.3.0 and Hive 2.3.10), unpacked into DIR/py; replaced as a whole if another version.
if [ ! -d "$DIR/py/pyspark-$PYSPARK_VERSION.dist-info" ]; then
  py=${EDXC_PYTHON:-python3}
  t=$(now)
  log "pip install pyspark==$PYSPARK_VERSION --target $DIR/py"
  rm -rf "$DIR/py.partial"
  PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore "$py" -m pip install -q --disable-pip-version-check --no-cache-dir --no-compile \
    --no-deps --target "$DIR/py.partial" "pyspark==$PYSPARK_VERSION"
  rm -rf "$DIR/py"; mv "$DIR/py.partial" "$DIR/py"
  log "pip install: $(since "$t") s"
  installed+=("pyspark==$PYSPARK_VERSION")
fi
[ -f "$SPARK_HOME/jars/hive-cli-2.3.10.jar" ] || die "$SPARK_HOME/jars has no hive-cli-2.3.10.jar"

# pyspark lacks hive-llap-common; Hive 2.3 needs three of its types at run time: tiny stubs.
stub=$DIR/stub/src/org/apache/hadoop/hive/llap
mkdir -p "$stub/security" "$stub/io/api"
before=$CHANGED
put "$stub/security/LlapSigner.java" 644 <<'EOF'
package org.apache.hadoop.hive.llap.security;
public interface LlapSigner {
  interface Signable { void setSignInfo(int masterKeyId); byte[] serialize() throws java.io.IOException; }
  class SignedMessage { public byte[] signature, message; }
  SignedMessage serializeAndSign(Signable message) throws java.io.IOException;
  void checkSignature(byte[] message, byte[] signature, int keyId) throws SecurityException;
  void close();
}
EOF
put "$stub/io/api/LlapProxy.java" 644 <<'EOF'
package org.apache.hadoop.hive.llap.io.api;
public class LlapProxy {
  public static boolean isDaemon() { return false; }
  public static LlapIo getIo() { return null; }
  public static void setDaemon(boolean d) {}
}
EOF
put "$stub/io/api/LlapIo.java" 644 <<'EOF'
package org.apache.hadoop.hive.llap.io.api;
public interface LlapIo<T> {
  org.apache.hadoop.mapred.InputFormat<org.apache.hadoop.io.NullWritable, T> getInputFormat(
      org.apache.hadoop.mapred.InputFormat sourceInputFormat, org.apache.hadoop.hive.serde2.Deserializer serde);
  void close();
}
EOF
if [ "$CHANGED" != "$before" ] || [ ! -f "$DIR/llap-stub.jar" ]; then
  log "javac: llap-stub.jar"
  rm -rf "$DIR/stub/classes"; mkdir -p "$DIR/stub/classes"
  "$jh/bin/javac" -nowarn -cp "$SPARK_HOME/jars/*" -d "$DIR/stub/classes" $(find "$DIR/stub/src" -name '*.java')
  (cd "$DIR/stub/classes" && "$jh/bin/jar" cf "$DIR/llap-stub.jar.partial" .)
  mv -f "$DIR/llap-stub.jar.partial" "$DIR/llap-stub.jar"
  CHANGED=$((CHANGED + 1))
fi

make_instance "$DIR/local" "$DIR/bin" "$(id -un)"

if ((${#installed[@]})) || [ "$CHANGED" != 0 ]; then what="installed: ${installed[*]:-nothing}; files written: $CHANGED"
else what="nothing to do"; fi
log "engines ready in $(since "$t0") s ($what): $DIR/bin/hive  $DIR/bin/spark-sql"
