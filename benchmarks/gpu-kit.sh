#!/usr/bin/env bash
# Prepares, on a development machine, what benchmarks/gpu-check.sh needs on a GPU machine that has
# no Java or Maven (the lent H100/H200 machines have neither and no network): the compiled tests,
# JUnit's console launcher and a jlink'ed Java runtime, packed in .gpu-kit/kit.tar.xz (git-ignored;
# the runtime is Temurin's, built against glibc 2.17, so it runs on any recent Linux image), beside
# the shaded jar. Carry `.gpu-kit` and `target/cohortex.jar` (~45 MB with the tree, under the
# device tool's 64 MiB) and run `bash benchmarks/gpu-check.sh` there.
#   benchmarks/gpu-kit.sh [JDK_HOME]       (default: /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
cd "$(dirname "$0")/.."
JDK=${1:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JDK/bin/jlink" ] || { echo "no jlink in $JDK: give a JDK 17+ home as the first argument" >&2; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mvn -q -B package -DskipTests
mvn -q -B test-compile
mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2 -DoutputDirectory="$W"
mv "$W"/junit-platform-console-standalone-*.jar "$W/junit-console.jar"
# the GPU suite reads no large fixtures
cp -r target/test-classes "$W/test-classes"
rm -rf "$W/test-classes/fixtures/prs" "$W/test-classes/fixtures/enrich"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs,java.xml,java.sql \
  --strip-debug --no-man-pages --no-header-files --output "$W/jre"
rm -rf .gpu-kit && mkdir -p .gpu-kit
tar -C "$W" -cJf .gpu-kit/kit.tar.xz jre junit-console.jar test-classes
du -sh .gpu-kit/kit.tar.xz target/cohortex.jar
