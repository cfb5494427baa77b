#!/usr/bin/env bash
# Prepares, on a development machine, what benchmarks/gpu-check.sh needs on a GPU machine that has
# no Java or Maven (the lent H100/H200 machines have neither and no network): the shaded jar, the
# compiled tests, JUnit's console launcher and a jlink'ed Java runtime, in .gpu-kit/ (git-ignored).
# Then carry `.gpu-kit` and `target/cohortex.jar` to the GPU machine and run benchmarks/gpu-check.sh.
#   benchmarks/gpu-kit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=.gpu-kit
mvn -q -B package -DskipTests
mvn -q -B test-compile
rm -rf "$KIT" && mkdir -p "$KIT"
mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2 -DoutputDirectory="$KIT"
mv "$KIT"/junit-platform-console-standalone-*.jar "$KIT/junit-console.jar"
# test classes without the large fixtures the GPU suite does not read
rsync -a --exclude 'fixtures/prs/' --exclude 'fixtures/enrich/' target/test-classes/ "$KIT/test-classes/"
MODS=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 target/cohortex.jar)
jlink --add-modules "$MODS,jdk.unsupported,jdk.zipfs,jdk.crypto.ec" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$KIT/jre"
du -sh "$KIT" target/cohortex.jar
