// Batched small systems, one thread per system (p and k are small: design columns, cell types).
// Compiled with -fmad=false so that the arithmetic is the Java twin's, operation for operation.
#include "common.cuh"

#define NNLS_MAXK 16

// A_k x_k = b_k for SPD A_k (p x p, stacked), by Cholesky; NaN for a system that is not positive
// definite (as CpuBackend.solveSpdBatched). work: batch * p * p.
CX_KERNEL void spd_solve_batched(int batch, int p, const double* A, const double* B, double* X, double* work) {
    int s = blockIdx.x * blockDim.x + threadIdx.x;
    if (s >= batch) return;
    double* l = work + (size_t)s * p * p;
    double* x = X + (size_t)s * p;
    for (int e = 0; e < p * p; e++) l[e] = A[(size_t)s * p * p + e];
    for (int e = 0; e < p; e++) x[e] = B[(size_t)s * p + e];
    if (chol_factor(l, p)) chol_solve(l, p, x);
    else for (int e = 0; e < p; e++) x[e] = NAN;
}

// Least squares on the passive set in normal-equation form: G_PP z_P = h_P (others 0).
__device__ __forceinline__ int nnls_passive_solve(const double* G, const double* h, int k, const int* passive, double* z) {
    double sub[NNLS_MAXK * NNLS_MAXK], rhs[NNLS_MAXK];
    int cols[NNLS_MAXK], q = 0;
    for (int j = 0; j < k; j++) if (passive[j]) cols[q++] = j;
    for (int a = 0; a < q; a++) {
        rhs[a] = h[cols[a]];
        for (int b = 0; b < q; b++) sub[a * q + b] = G[cols[a] * k + cols[b]];
    }
    if (!chol_factor(sub, q)) return 0;
    chol_solve(sub, q, rhs);
    for (int j = 0; j < k; j++) z[j] = 0;
    for (int a = 0; a < q; a++) z[cols[a]] = rhs[a];
    return 1;
}

// Lawson & Hanson (1974, ch. 23) NNLS, min ||S x - b|| s.t. x >= 0, for every sample at once in
// Gram form: G = S'S (k x k, shared), H = B S (samples x k). The control flow is Nnls.solve's;
// the passive-set solve uses the Gram matrix (cond(S)^2: fine for signatures, cond ~ 1-10).
// status[s]: 0 ok, 1 a passive-set system was not positive definite.
CX_KERNEL void nnls_gram_batched(int samples, int k, const double* G, const double* H, double tol, double* X, int* status) {
    int s = blockIdx.x * blockDim.x + threadIdx.x;
    if (s >= samples) return;
    const double* h = H + (size_t)s * k;
    double x[NNLS_MAXK], w[NNLS_MAXK], z[NNLS_MAXK];
    int passive[NNLS_MAXK];
    for (int j = 0; j < k; j++) { x[j] = 0; passive[j] = 0; }
    int st = 0;
    for (int outer = 0; outer < 3 * k + 10 && !st; outer++) {
        for (int j = 0; j < k; j++) {           // w = h - G x
            double v = h[j];
            for (int c = 0; c < k; c++) v -= G[j * k + c] * x[c];
            w[j] = v;
        }
        int t = -1;
        double best = tol;
        for (int j = 0; j < k; j++) if (!passive[j] && w[j] > best) { best = w[j]; t = j; }
        if (t < 0) break;
        passive[t] = 1;
        for (;;) {
            if (!nnls_passive_solve(G, h, k, passive, z)) { st = 1; break; }
            int feasible = 1;
            for (int j = 0; j < k; j++) if (passive[j] && z[j] <= 0) { feasible = 0; break; }
            if (feasible) { for (int j = 0; j < k; j++) x[j] = z[j]; break; }
            double alpha = INFINITY;
            for (int j = 0; j < k; j++) if (passive[j] && z[j] <= 0) alpha = fmin(alpha, x[j] / (x[j] - z[j]));
            for (int j = 0; j < k; j++) x[j] += alpha * (z[j] - x[j]);
            for (int j = 0; j < k; j++) if (passive[j] && x[j] <= tol) { passive[j] = 0; x[j] = 0; }
        }
    }
    for (int j = 0; j < k; j++) X[(size_t)s * k + j] = st ? NAN : x[j];
    status[s] = st;
}
