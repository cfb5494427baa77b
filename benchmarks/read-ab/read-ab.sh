#!/bin/bash
# Interleaved before/after timing of the matrix reader (ReadAB.java): two compiled class folders in one JVM.
# usage: benchmarks/read-ab/read-ab.sh BEFORE_CLASSES AFTER_CLASSES [ROUNDS] [FORMATS]
#   e.g. git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -B compile) && \
#        benchmarks/read-ab/read-ab.sh /tmp/before/target/classes target/classes 21 tsv,tsv.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cp=$(mktemp)
(cd "$root" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cp")
tmp=$(mktemp -d)
javac -d "$tmp" "$here/ReadAB.java"
java -Xmx6g -cp "$tmp:$(cat "$cp")" ReadAB "$1" "$2" "${3:-21}" "${4:-tsv,tsv.gz}"
