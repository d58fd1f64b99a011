# Sourced by tcpmesh-java and tcpmesh-cds: where the class-data sharing archive of these jars lives
# and whether it is current. Needs $lib (the jar folder) and $JAVA.
#
# The archive (cds/tcpmesh.jsa beside lib/) holds the classes named in the class list
# (cds/classes.lst beside bin/), parsed and verified once. A JVM maps it only when the jars and the JVM
# are the very ones it was made from, and otherwise starts with no class-data sharing at all, slower
# than without an archive; so the archive has a signature (cds/tcpmesh.sig: every jar's name, size and
# time, and the JVM's), and a stale one is never given to the JVM.
cds_dir="$(cd "$lib/.." && pwd)/cds"
cds_archive="$cds_dir/tcpmesh.jsa"
cds_list="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/cds/classes.lst"

cds_signature() {
  local java jvm
  java="$(readlink -f "$(command -v "$JAVA")" 2>/dev/null || echo "$JAVA")"
  jvm="$(dirname "$(dirname "$java")")/lib/server/libjvm.so"
  { stat -L -c '%n %s %Y' "$lib"/*.jar "$java"; [ -e "$jvm" ] && stat -L -c '%n %s %Y' "$jvm"; } 2>/dev/null | cksum
}

cds_current() {
  [ -s "$cds_archive" ] && [ -s "$cds_dir/tcpmesh.sig" ] && [ "$(cat "$cds_dir/tcpmesh.sig")" = "$(cds_signature)" ]
}
