// Freedman-Lane permutation statistics (org.cohortex.de.FreedmanLane, which is the CPU twin and
// documents the algebra). Per block of nb permutations: W = [P_b'Q] (gather), C = R W (a GEMM, by
// cuBLAS or gemm.cu), then |t*| per (gene, permutation), exceedance counts, and the Westfall-Young
// step-down successive maxima. Deterministic: no atomics, every count has one writer.
// Compiled with -fmad=false: |t*| is computed operation for operation as FreedmanLane.reduce.
#include "common.cuh"

#define FL_TIE 1e-10
#define FL_SCAN 256

// W (n x nb p): W[perm_b[i], b p + j] = Q[i, j]. perms: nb x n for this block.
CX_KERNEL void fl_gather_basis(int n, int p, int nb, const double* Q, const int* perms, double* W) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    size_t total = (size_t)nb * n * p;
    if (idx >= total) return;
    int j = (int)(idx % p);
    size_t rest = idx / p;
    int i = (int)(rest % n), b = (int)(rest / n);
    size_t width = (size_t)nb * p;
    W[(size_t)perms[(size_t)b * n + i] * width + (size_t)b * p + j] = Q[(size_t)i * p + j];
}

// absStar[b * genesTotal + g0 + g] = |t*| from C (gl x nb p) for genes [g0, g0 + gl).
CX_KERNEL void fl_reduce(int gl, int nb, int p, const double* C, const double* rr, int df, int g0, int genesTotal, double* absStar) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)gl * nb) return;
    int g = (int)(idx % gl), b = (int)(idx / gl);
    const double* c = C + (size_t)g * nb * p + (size_t)b * p;
    double ss = 0;
    for (int j = 0; j < p; j++) ss += c[j] * c[j];
    double rss = rr[g0 + g] - ss, s = c[p - 1], t;
    if (rss > 0) t = s / sqrt(rss / df);
    else t = INFINITY;
    absStar[(size_t)b * genesTotal + g0 + g] = fabs(t);
}

// exceed[g] += #{b : |t*_b,g| >= |t_g| (1 - tie)}
CX_KERNEL void fl_exceed(int genes, int nb, const double* absStar, const double* absT, unsigned long long* exceed) {
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= genes) return;
    double thr = absT[g] * (1 - FL_TIE);
    unsigned long long c = 0;
    for (int b = 0; b < nb; b++) if (absStar[(size_t)b * genes + g] >= thr) c++;
    exceed[g] += c;
}

// U[b, j] = max over positions j' >= j of |t*_b| at gene order[j'] (successive maxima from the
// least significant gene up). One block of FL_SCAN threads per permutation; chunks of FL_SCAN
// positions from the end, an inclusive max-scan in shared memory per chunk, carried across chunks.
CX_KERNEL void fl_suffix_max(int genes, const double* absStar, const int* order, double* U) {
    __shared__ double buf[FL_SCAN];
    __shared__ double carry;
    const int t = threadIdx.x, b = blockIdx.x;
    const double* a = absStar + (size_t)b * genes;
    double* u = U + (size_t)b * genes;
    if (t == 0) carry = 0;
    __syncthreads();
    for (int hi = genes; hi > 0; hi -= FL_SCAN) {
        int j = hi - 1 - t;                     // thread 0 takes the last position of the chunk
        double v = j >= 0 ? a[order[j]] : 0;
        buf[t] = v;
        __syncthreads();
        for (int off = 1; off < FL_SCAN; off <<= 1) {
            double other = t >= off ? buf[t - off] : 0;
            __syncthreads();
            if (t >= off) buf[t] = fmax(buf[t], other);
            __syncthreads();
        }
        double m = fmax(buf[t], carry);
        if (j >= 0) u[j] = m;
        __syncthreads();
        if (t == FL_SCAN - 1) carry = m;       // the chunk's maximum, with the carry
        __syncthreads();
    }
}

// stepDown[j] += #{b : U[b, j] >= |t_order[j]| (1 - tie)}
CX_KERNEL void fl_stepdown(int genes, int nb, const double* U, const double* absT, const int* order, unsigned long long* stepDown) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= genes) return;
    double thr = absT[order[j]] * (1 - FL_TIE);
    unsigned long long c = 0;
    for (int b = 0; b < nb; b++) if (U[(size_t)b * genes + j] >= thr) c++;
    stepDown[j] += c;
}
