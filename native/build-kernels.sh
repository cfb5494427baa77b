#!/usr/bin/env bash
# Compiles kernels/*.cu with nvcc into the jar's resources (src/main/resources/org/cohortex/kernels/):
#   NAME.ptx     PTX for compute_80 (JIT-compiled by the driver on any sm_80+ GPU)
#   NAME.fatbin  SASS for sm_80 and sm_90 plus compute_90 PTX (no JIT on A100/H100/H200)
# The outputs are committed, so a build without nvcc uses them and a user needs only the NVIDIA
# driver. KernelResourcesTest recompiles the PTX when nvcc is present and fails if the committed
# files are stale: run this script after editing kernels/.
#   native/build-kernels.sh [OUTDIR]        (PTX_ONLY=1: skip the fatbins)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-src/main/resources/org/cohortex/kernels}
NVCC=${NVCC:-nvcc}
command -v "$NVCC" >/dev/null || { echo "nvcc not found: the committed PTX/fatbin in $OUT stay as they are" >&2; exit 1; }
mkdir -p "$OUT"
# gemm keeps fused multiply-add (it is throughput-bound, and the contract tolerates it); the others
# are the Java twins operation for operation, so no contraction.
fmad() { case "$1" in gemm) echo true ;; *) echo false ;; esac; }
for src in kernels/*.cu; do
  name=$(basename "$src" .cu)
  flags=(-std=c++17 -O3 -fmad="$(fmad "$name")" -Ikernels)
  "$NVCC" "${flags[@]}" -ptx -arch=compute_80 -o "$OUT/$name.ptx" "$src"
  [ -n "${PTX_ONLY:-}" ] && continue   # the staleness test compares PTX only
  "$NVCC" "${flags[@]}" -fatbin -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 -o "$OUT/$name.fatbin" "$src"
done
# a digest of the sources the resources were built from (what the staleness test compares first)
cat kernels/*.cu kernels/*.cuh | sha256sum | cut -d' ' -f1 > "$OUT/SOURCES.sha256"
"$NVCC" --version | tail -1 > "$OUT/NVCC_VERSION"
[ -n "${PTX_ONLY:-}" ] || ls -la "$OUT"
