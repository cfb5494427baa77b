// bMIND-model Gibbs sampler: the algorithm of org.cohortex.impute.CellTypeImputation.gibbsGene on
// the same Philox stream (key = seed, counter = (draw, iteration, gene, 0)), so CPU and GPU draw the
// same numbers. Compiled with -fmad=false (the Java twin does not fuse multiply-adds).
#include "common.cuh"

#define GIBBS_MAXK 8

// out = S^{-1} for SPD S (k x k); 0 when S is not positive definite. As CellTypeImputation.invertSpd.
__device__ __forceinline__ int gibbs_invert(const double* s, int k, double* inv) {
    double l[GIBBS_MAXK * GIBBS_MAXK], e[GIBBS_MAXK];
    for (int q = 0; q < k * k; q++) l[q] = s[q];
    if (!chol_factor(l, k)) return 0;
    for (int c = 0; c < k; c++) {
        for (int r = 0; r < k; r++) e[r] = 0;
        e[c] = 1;
        chol_solve(l, k, e);
        for (int r = 0; r < k; r++) inv[r * k + c] = e[r];
    }
    return 1;
}

// x = P^{-1} b + L^{-T} z, P = L L' (a draw from N(P^{-1} b, P^{-1})). As drawGaussian.
__device__ __forceinline__ int gibbs_draw_gaussian(const double* p, const double* b, int k, Philox4* rng, double* x) {
    double l[GIBBS_MAXK * GIBBS_MAXK], m[GIBBS_MAXK], z[GIBBS_MAXK], work[GIBBS_MAXK];
    for (int q = 0; q < k * k; q++) l[q] = p[q];
    if (!chol_factor(l, k)) return 0;
    for (int c = 0; c < k; c++) m[c] = b[c];
    chol_solve(l, k, m);
    for (int c = 0; c < k; c++) z[c] = philox_normal(rng);
    for (int r = k - 1; r >= 0; r--) {
        double v = z[r];
        for (int c = r + 1; c < k; c++) v -= l[c * k + r] * work[c];
        work[r] = v / l[r * k + r];
    }
    for (int c = 0; c < k; c++) x[c] = m[c] + work[c];
    return 1;
}

// Sigma ~ IW(df, S) by Bartlett's decomposition of W ~ Wishart(df, S^{-1}). As drawInverseWishart.
// Returns 0 ok, 4 scale not PD, 5 Wishart draw not PD.
__device__ __forceinline__ int gibbs_draw_inverse_wishart(const double* scale, double df, int k, Philox4* rng, double* out) {
    double sInv[GIBBS_MAXK * GIBBS_MAXK], a[GIBBS_MAXK * GIBBS_MAXK], ca[GIBBS_MAXK * GIBBS_MAXK], w[GIBBS_MAXK * GIBBS_MAXK];
    if (!gibbs_invert(scale, k, sInv)) return 4;
    if (!chol_factor(sInv, k)) return 4;       // sInv now holds C, S^{-1} = C C'
    for (int q = 0; q < k * k; q++) a[q] = 0;
    for (int r = 0; r < k; r++) {
        a[r * k + r] = sqrt(2 * philox_gamma(rng, (df - r) / 2));
        for (int q = 0; q < r; q++) a[r * k + q] = philox_normal(rng);
    }
    for (int q = 0; q < k * k; q++) ca[q] = 0;
    for (int r = 0; r < k; r++) for (int q = 0; q <= r; q++) {
        double v = 0;
        for (int m = q; m <= r; m++) v += sInv[r * k + m] * a[m * k + q];
        ca[r * k + q] = v;
    }
    for (int r = 0; r < k; r++) for (int q = 0; q < k; q++) {
        double v = 0;
        int lim = r < q ? r : q;
        for (int m = 0; m <= lim; m++) v += ca[r * k + m] * ca[q * k + m];
        w[r * k + q] = v;
    }
    return gibbs_invert(w, k, out) ? 0 : 5;
}

#define GIBBS_THREADS 64
#define GIBBS_PART (GIBBS_MAXK * (GIBBS_MAXK + 1) / 2 + GIBBS_MAXK + 1)

// One block of GIBBS_THREADS threads per gene. The n draws of a_i | mu, Sigma, s2 are independent,
// so the threads share the samples (i = t, t + T, ...), each seeking its samples' normals in the
// iteration's Philox stream (sample i takes normals i k .. i k + k - 1, as the Java loop draws them);
// the sums over samples are per-thread partials combined in thread order; thread 0 then draws mu,
// Sigma and s2, continuing the stream after the n k normals exactly as the Java sampler does. Sums
// are therefore added in another order than the Java loop's: results agree to rounding.
//
// y: genes x n; w: n x k; mu0: genes x k; priorCov: genes x k x k, each gene's Sigma0 (may be null:
// sigma0 I for all);
// a, sum: genes x (n k) scratch and output (posterior means of a_i, row i k + c);
// status[g]: 0 ok, 1 Sigma not PD, 2 posterior of a not PD, 3 posterior of mu not PD, 4 IW scale
// not PD, 5 Wishart draw not PD, 6 constant or missing bulk values (set on the host), 7 k > 8.
CX_KERNEL void gibbs_bmind(int genes, int n, int k, const double* y, const double* w, const double* mu0,
                           const double* priorCov, double sigma0, double nu, double v0,
                           int iterations, int burnin, unsigned long long seed, int geneOffset,
                           double* a, double* sum, int* status) {
    __shared__ double sigInv[GIBBS_MAXK * GIBBS_MAXK], sigma[GIBBS_MAXK * GIBBS_MAXK], mu[GIBBS_MAXK], s2;
    __shared__ double part[GIBBS_THREADS][GIBBS_PART];
    __shared__ int st;
    const int g = blockIdx.x, t = threadIdx.x, T = blockDim.x;
    const double* yg = y + (size_t)g * n;
    double* ag = a + (size_t)g * n * k;
    double* sg = sum + (size_t)g * n * k;
    double m0[GIBBS_MAXK], cov[GIBBS_MAXK * GIBBS_MAXK], psi[GIBBS_MAXK * GIBBS_MAXK];
    Philox4 rng;                                   // thread 0's sequential stream (mu, Sigma, s2)
    philox_init(&rng, seed, (unsigned)(geneOffset + g));
    if (t == 0) st = (k > GIBBS_MAXK) ? 7 : status[g];
    __syncthreads();
    if (st == 0) {
        for (int c = 0; c < k; c++) m0[c] = mu0[(size_t)g * k + c];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                cov[r * k + c] = priorCov ? priorCov[((size_t)g * k + r) * k + c] : (r == c ? sigma0 : 0);
                psi[r * k + c] = nu * cov[r * k + c];
            }
        }
        double part_s2 = 0;
        for (int i = t; i < n; i += T) {
            double fit = 0;
            for (int c = 0; c < k; c++) { fit += w[i * k + c] * m0[c]; ag[i * k + c] = m0[c]; sg[i * k + c] = 0; }
            part_s2 += (yg[i] - fit) * (yg[i] - fit);
        }
        part[t][0] = part_s2;
    }
    __syncthreads();
    if (t == 0 && st == 0) {
        double tot = 0;
        for (int q = 0; q < T; q++) tot += part[q][0];
        s2 = fmax(1e-4, tot / n);
        for (int q = 0; q < k * k; q++) sigma[q] = cov[q];
        for (int c = 0; c < k; c++) mu[c] = m0[c];
    }
    __syncthreads();
    int kept = 0;
    const int kk = k * (k + 1) / 2;
    for (int it = 0; it < iterations; it++) {
        if (st != 0) break;                       // uniform: st is read after a barrier
        if (t == 0) {
            philox_iteration(&rng, (unsigned)it);
            if (!gibbs_invert(sigma, k, sigInv)) st = 1;
        }
        __syncthreads();
        if (st != 0) break;
        // a_i | mu, Sigma, s2, y_i for this thread's samples
        double p[GIBBS_MAXK * GIBBS_MAXK], b[GIBBS_MAXK], x[GIBBS_MAXK], tot[GIBBS_MAXK];
        for (int c = 0; c < k; c++) tot[c] = 0;
        int bad = 0;
        for (int i = t; i < n && !bad; i += T) {
            Philox4 local;
            philox_init(&local, seed, (unsigned)(geneOffset + g));
            philox_iteration(&local, (unsigned)it);
            philox_seek_normals(&local, (unsigned long long)i * k);
            for (int r = 0; r < k; r++) {
                double wr = w[i * k + r], sm = 0;
                for (int c = 0; c < k; c++) {
                    p[r * k + c] = sigInv[r * k + c] + wr * w[i * k + c] / s2;
                    sm += sigInv[r * k + c] * mu[c];
                }
                b[r] = sm + wr * yg[i] / s2;
            }
            if (!gibbs_draw_gaussian(p, b, k, &local, x)) { bad = 1; break; }
            for (int c = 0; c < k; c++) {
                ag[i * k + c] = x[c];
                tot[c] += x[c];
                if (it >= burnin) sg[i * k + c] += x[c];
            }
        }
        if (bad) st = 2;                           // benign race: every writer writes 2
        for (int c = 0; c < k; c++) part[t][c] = tot[c];
        __syncthreads();
        if (st != 0) break;
        if (t == 0) {                              // mu | a, Sigma
            double sa[GIBBS_MAXK];
            for (int c = 0; c < k; c++) { sa[c] = 0; for (int q = 0; q < T; q++) sa[c] += part[q][c]; }
            for (int r = 0; r < k; r++) {
                double v = 0;
                for (int c = 0; c < k; c++) {
                    v += sigInv[r * k + c] * sa[c];
                    p[r * k + c] = n * sigInv[r * k + c] + (r == c ? 1 / v0 : 0);
                }
                b[r] = v + m0[r] / v0;
            }
            philox_seek_normals(&rng, (unsigned long long)n * k);
            if (!gibbs_draw_gaussian(p, b, k, &rng, x)) st = 3;
            else for (int c = 0; c < k; c++) mu[c] = x[c];
        }
        __syncthreads();
        if (st != 0) break;
        // scatter about the new mu and the residual sum of squares, per thread
        double sc[GIBBS_MAXK * (GIBBS_MAXK + 1) / 2], rss = 0;
        for (int q = 0; q < kk; q++) sc[q] = 0;
        for (int i = t; i < n; i += T) {
            double fit = 0;
            for (int r = 0, q = 0; r < k; r++) {
                double dr = ag[i * k + r] - mu[r];
                for (int c = 0; c <= r; c++, q++) sc[q] += dr * (ag[i * k + c] - mu[c]);
                fit += w[i * k + r] * ag[i * k + r];
            }
            double e = yg[i] - fit;
            rss += e * e;
        }
        for (int q = 0; q < kk; q++) part[t][q] = sc[q];
        part[t][kk] = rss;
        __syncthreads();
        if (t == 0) {                              // Sigma | a, mu ~ IW(nu + n, Psi + S); s2 | rest
            double scatter[GIBBS_MAXK * GIBBS_MAXK], r2 = 0;
            for (int q = 0; q < k * k; q++) scatter[q] = psi[q];
            for (int r = 0, q = 0; r < k; r++) {
                for (int c = 0; c <= r; c++, q++) {
                    double v = 0;
                    for (int u = 0; u < T; u++) v += part[u][q];
                    scatter[r * k + c] += v;
                }
            }
            for (int u = 0; u < T; u++) r2 += part[u][kk];
            for (int r = 0; r < k; r++) for (int c = 0; c < r; c++) scatter[c * k + r] = scatter[r * k + c];
            double sig[GIBBS_MAXK * GIBBS_MAXK];
            int e = gibbs_draw_inverse_wishart(scatter, nu + n, k, &rng, sig);
            if (e) st = e;
            else {
                for (int q = 0; q < k * k; q++) sigma[q] = sig[q];
                s2 = (0.001 + r2 / 2) / philox_gamma(&rng, 0.001 + n / 2.0);
            }
        }
        if (it >= burnin) kept++;
        __syncthreads();
    }
    __syncthreads();
    if (st == 0) {
        for (int i = t; i < n; i += T) for (int c = 0; c < k; c++) sg[i * k + c] /= kept;
    }
    if (t == 0) status[g] = st;
}
