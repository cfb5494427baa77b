// Dense products for the cuda backend when cuBLAS is not loadable (CUDA 13-only machines cannot load
// JCublas 12): C = alpha op(A) op(B) + beta C on row-major matrices, FP64 and FP32.
// Tiling: a 64 x 64 tile of C per block of 16 x 16 threads, each thread 4 x 4 outputs strided by 16
// (conflict-free shared reads), K in slices of 16 staged through shared memory; loads are
// coalesced along whichever index is contiguous in memory for the transpose flag.
#include "common.cuh"

#define GEMM_BM 64
#define GEMM_BN 64
#define GEMM_BK 16

template <typename T>
__device__ __forceinline__ void gemm_rm(int m, int n, int k, T alpha, const T* A, int lda, int ta,
                                        const T* B, int ldb, int tb, T beta, T* C, int ldc) {
    __shared__ T As[GEMM_BK][GEMM_BM + 1];
    __shared__ T Bs[GEMM_BK][GEMM_BN + 1];
    const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
    const int row0 = blockIdx.y * GEMM_BM, col0 = blockIdx.x * GEMM_BN;
    T acc[4][4];
    for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) acc[r][c] = 0;
    for (int k0 = 0; k0 < k; k0 += GEMM_BK) {
        for (int e = 0; e < 4; e++) {
            int idx = tid + 256 * e, il, ll;
            if (ta) { ll = idx / GEMM_BM; il = idx % GEMM_BM; } else { il = idx / GEMM_BK; ll = idx % GEMM_BK; }
            int gi = row0 + il, gl = k0 + ll;
            As[ll][il] = (gi < m && gl < k) ? (ta ? A[(size_t)gl * lda + gi] : A[(size_t)gi * lda + gl]) : (T)0;
            int lj;
            if (tb) { ll = idx % GEMM_BK; lj = idx / GEMM_BK; } else { lj = idx % GEMM_BN; ll = idx / GEMM_BN; }
            int gj = col0 + lj;
            gl = k0 + ll;
            Bs[ll][lj] = (gj < n && gl < k) ? (tb ? B[(size_t)gj * ldb + gl] : B[(size_t)gl * ldb + gj]) : (T)0;
        }
        __syncthreads();
        for (int l = 0; l < GEMM_BK; l++) {
            T a[4], b[4];
            for (int r = 0; r < 4; r++) a[r] = As[l][ty + 16 * r];
            for (int c = 0; c < 4; c++) b[c] = Bs[l][tx + 16 * c];
            for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) acc[r][c] += a[r] * b[c];
        }
        __syncthreads();
    }
    for (int r = 0; r < 4; r++) {
        int i = row0 + ty + 16 * r;
        if (i >= m) continue;
        for (int c = 0; c < 4; c++) {
            int j = col0 + tx + 16 * c;
            if (j >= n) continue;
            T v = alpha * acc[r][c];
            if (beta != (T)0) v += beta * C[(size_t)i * ldc + j];
            C[(size_t)i * ldc + j] = v;
        }
    }
}

// grid (ceil(n / 64), ceil(m / 64)), block (16, 16)
CX_KERNEL void dgemm_rm(int m, int n, int k, double alpha, const double* A, int lda, int ta,
                        const double* B, int ldb, int tb, double beta, double* C, int ldc) {
    gemm_rm<double>(m, n, k, alpha, A, lda, ta, B, ldb, tb, beta, C, ldc);
}

CX_KERNEL void sgemm_rm(int m, int n, int k, float alpha, const float* A, int lda, int ta,
                        const float* B, int ldb, int tb, float beta, float* C, int ldc) {
    gemm_rm<float>(m, n, k, alpha, A, lda, ta, B, ldb, tb, beta, C, ldc);
}
