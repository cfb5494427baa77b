#!/usr/bin/env bash
# The GPU check, in one call on a GPU machine: what the machine has (GPU, driver, CUDA libraries),
# the GPU test suite (CudaBackendTest against the reference and cpu backends, the kernel emulation
# and resource tests), `cohortex devices`, and `cohortex bench` on cuda beside cpu (SPEC 6 sizes).
# Everything goes to $OUT (the device tool's folder) or benchmarks/target/gpu-check, gpu-check.log
# first. Exit 0 only if the GPU tests really ran (not skipped) and passed.
#
# The lent GPU machines have no Java, Maven or network: prepare the kit here first, then carry it:
#   benchmarks/gpu-kit.sh                     (here: jar, test classes, JUnit launcher, jlink'ed JRE)
#   device run: carry [".gpu-kit", "target/cohortex.jar"], command "bash benchmarks/gpu-check.sh"
# On a machine with Java and Maven it builds and tests with Maven instead.
set -uo pipefail
cd "$(dirname "$0")/.."
R=${OUT:-benchmarks/target/gpu-check}
mkdir -p "$R"
exec > >(tee "$R/gpu-check.log") 2>&1
echo "== machine ($(date -u +%FT%TZ))"
uname -srm
nproc
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.sm --format=csv
  nvidia-smi | sed -n 3p
else
  echo "nvidia-smi not found"
fi
echo "== CUDA libraries (ldconfig)"
ldconfig -p | grep -E 'libcuda\.so|libcublas|libcusolver|libnvrtc' || echo "(none listed)"
command -v nvcc >/dev/null && nvcc --version | tail -1

JAR=target/cohortex.jar
KIT=${GPU_KIT_DIR:-/tmp/cohortex-gpu-kit}
if [ -f .gpu-kit/kit.tar.xz ]; then
  rm -rf "$KIT" && mkdir -p "$KIT" && tar -C "$KIT" -xJf .gpu-kit/kit.tar.xz
fi
if [ -x "$KIT/jre/bin/java" ]; then
  JAVA="$KIT/jre/bin/java"
  MODE=kit
elif command -v java >/dev/null && command -v mvn >/dev/null; then
  JAVA=java
  MODE=maven
  mvn -q -B package -DskipTests || { echo "build failed"; exit 1; }
else
  echo "no Java here: run benchmarks/gpu-kit.sh on the development machine and carry .gpu-kit and $JAR"
  exit 2
fi
[ -f "$JAR" ] || { echo "$JAR missing: carry it (benchmarks/gpu-kit.sh builds it)"; exit 2; }
"$JAVA" -version 2>&1 | head -1
# Java 22+ warns about JNI and sun.misc.Unsafe (JavaCPP, JCuda) unless these are given (SPEC 8)
JFLAGS=""
"$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && JFLAGS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"

echo "== GPU tests ($MODE)"
CLASSES="org.cohortex.backend.CudaBackendTest org.cohortex.backend.CudaContractTest org.cohortex.backend.KernelEmulationTest org.cohortex.backend.KernelResourcesTest org.cohortex.de.FreedmanLaneTest"
rm -rf "$R/junit"
if [ "$MODE" = kit ]; then
  SEL=""
  for c in $CLASSES; do SEL="$SEL --select-class $c"; done
  timeout 420 "$JAVA" $JFLAGS -Xmx8g -jar "$KIT/junit-console.jar" execute -cp "$KIT/test-classes:$JAR" $SEL --reports-dir "$R/junit" --details=tree --disable-banner
else
  timeout 420 mvn -B -q test -Dtest="$(echo $CLASSES | sed 's/org\.cohortex\.[a-z]*\.//g; s/ /,/g')" -Dsurefire.reportsDirectory="$PWD/$R/junit"
fi
TEST_RC=$?
XML=$(grep -l 'CudaBackendTest' "$R"/junit/*.xml 2>/dev/null | head -1)
RAN=0
if [ -n "$XML" ]; then
  RAN=$(grep -o '<testcase[^>]*classname="org.cohortex.backend.CudaBackendTest"' "$XML" | wc -l)
  SKIPPED=$(grep -A2 'classname="org.cohortex.backend.CudaBackendTest"' "$XML" | grep -c '<skipped' || true)
  [ "$SKIPPED" -gt 0 ] && RAN=0
fi
echo "GPU test cases run on the device: $RAN (junit exit $TEST_RC)"

echo "== devices"
"$JAVA" $JFLAGS -jar "$JAR" devices
echo "== bench (cuda beside cpu, one process)"
timeout ${BENCH_TIMEOUT:-600} "$JAVA" $JFLAGS -Xmx16g -jar "$JAR" bench --backends ${BENCH_BACKENDS:-cuda,cpu} ${BENCH_ARGS:-} --out "$R/bench.txt"
BENCH_RC=$?
if [ "$RAN" -gt 0 ] && [ "$TEST_RC" -eq 0 ] && [ "$BENCH_RC" -eq 0 ]; then echo "GPU CHECK PASSED"; exit 0; fi
echo "GPU CHECK FAILED (tests run $RAN, tests exit $TEST_RC, bench exit $BENCH_RC)"
exit 1
