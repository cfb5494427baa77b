// Shared definitions of the Cohortex kernels. Compiled by nvcc for the device, and by g++ with
// native/emu/cuda_emu.h for the CPU emulation that validates the kernels' logic where no GPU is
// present (native/emu/README.md): so the kernels use only what both provide (no warp shuffles, no
// dynamic shared memory, no early return before a __syncthreads).
#pragma once

#ifdef COHORTEX_EMULATION
#include "../native/emu/cuda_emu.h"
#define CX_UMULHI(a, b) ((unsigned)(((unsigned long long)(a) * (unsigned long long)(b)) >> 32))
#else
#define CX_UMULHI(a, b) __umulhi((a), (b))
#endif

#define CX_KERNEL extern "C" __global__

// Philox4x32-10 (Salmon et al. 2011), the same bijection as org.cohortex.random.Philox: counter
// (c0, c1, c2, c3) under key (k0, k1). Bit-identical to the Java stream by construction (32-bit
// integer arithmetic only).
struct Philox4 {
    unsigned k0, k1, gene, iteration, index, used;
    unsigned block[4];
    double spare;
    int hasSpare;
};

__device__ __forceinline__ void philox_bijection(unsigned c0, unsigned c1, unsigned c2, unsigned c3, unsigned k0, unsigned k1, unsigned* out) {
    const unsigned M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int r = 0; r < 10; r++) {
        unsigned hi0 = CX_UMULHI(M0, c0), lo0 = M0 * c0;
        unsigned hi1 = CX_UMULHI(M1, c2), lo1 = M1 * c2;
        unsigned n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        k0 += W0; k1 += W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

__device__ __forceinline__ void philox_init(Philox4* s, unsigned long long seed, unsigned gene) {
    s->k0 = (unsigned)seed;
    s->k1 = (unsigned)(seed >> 32);
    s->gene = gene;
    s->iteration = 0; s->index = 0; s->used = 4; s->hasSpare = 0; s->spare = 0;
}

__device__ __forceinline__ void philox_iteration(Philox4* s, unsigned it) {
    s->iteration = it; s->index = 0; s->used = 4; s->hasSpare = 0;
}

__device__ __forceinline__ unsigned philox_next(Philox4* s) {
    if (s->used == 4) {
        philox_bijection(s->index++, s->iteration, s->gene, 0u, s->k0, s->k1, s->block);
        s->used = 0;
    }
    return s->block[s->used++];
}

// Positions the stream of the current iteration as if `normals` normals had been drawn from its
// start (and nothing else): Box-Muller consumes uniforms in pairs, 4 uniforms per Philox block, and
// an odd count leaves the pair's sine as the spare. So any sample's draws can be made by any thread.
__device__ __forceinline__ void philox_seek_normals(Philox4* s, unsigned long long normals) {
    unsigned long long pairs = (normals + 1) / 2, uniforms = 2 * pairs;
    s->hasSpare = 0;
    if (uniforms == 0) { s->index = 0; s->used = 4; return; }
    unsigned long long blocks = (uniforms + 3) / 4;
    philox_bijection((unsigned)(blocks - 1), s->iteration, s->gene, 0u, s->k0, s->k1, s->block);
    s->index = (unsigned)blocks;
    s->used = (unsigned)(uniforms - 4 * (blocks - 1));
    if (normals & 1) {                          // the last pair's sine is still to be used
        double u1 = ((double)s->block[s->used - 2] + 0.5) / 4294967296.0, u2 = ((double)s->block[s->used - 1] + 0.5) / 4294967296.0;
        double r = sqrt(-2.0 * log(u1)), t = 2.0 * 3.141592653589793 * u2;
        s->spare = r * sin(t);
        s->hasSpare = 1;
    }
}

// Uniform on (0, 1): (u + 0.5) / 2^32, as Philox.uniform().
__device__ __forceinline__ double philox_uniform(Philox4* s) {
    return ((double)philox_next(s) + 0.5) / 4294967296.0;
}

// Box-Muller pairs, the cosine first and the sine kept, as Philox.normal().
__device__ __forceinline__ double philox_normal(Philox4* s) {
    if (s->hasSpare) { s->hasSpare = 0; return s->spare; }
    double u1 = philox_uniform(s), u2 = philox_uniform(s);
    double r = sqrt(-2.0 * log(u1)), t = 2.0 * 3.141592653589793 * u2;
    s->spare = r * sin(t);
    s->hasSpare = 1;
    return r * cos(t);
}

// Gamma(shape, 1), Marsaglia & Tsang (2000), shape >= 1, as Philox.gamma().
__device__ __forceinline__ double philox_gamma_ge1(Philox4* s, double shape) {
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9 * d);
    for (;;) {
        double x = philox_normal(s), v = 1 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        double u = philox_uniform(s);
        if (u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v))) return d * v;
    }
}

// Any shape: below 1, Java's gamma(shape + 1) * pow(uniform, 1 / shape), the uniform drawn after.
__device__ __forceinline__ double philox_gamma(Philox4* s, double shape) {
    if (shape < 1) {
        double g = philox_gamma_ge1(s, shape + 1);
        return g * pow(philox_uniform(s), 1.0 / shape);
    }
    return philox_gamma_ge1(s, shape);
}

// In-place Cholesky of the p x p SPD matrix at a (row-major, lower triangle used and written),
// as org.cohortex.linalg.CholeskyDecomposition.factor. Returns 0 when not positive definite.
__device__ __forceinline__ int chol_factor(double* a, int p) {
    for (int j = 0; j < p; j++) {
        double d = a[j * p + j];
        for (int k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
        if (!(d > 0)) return 0;
        d = sqrt(d);
        a[j * p + j] = d;
        for (int i = j + 1; i < p; i++) {
            double s = a[i * p + j];
            for (int k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
            a[i * p + j] = s / d;
        }
    }
    return 1;
}

// Solves L L' x = b in place (x overwrites b), as CholeskyDecomposition.solve.
__device__ __forceinline__ void chol_solve(const double* l, int p, double* b) {
    for (int i = 0; i < p; i++) {
        double s = b[i];
        for (int k = 0; k < i; k++) s -= l[i * p + k] * b[k];
        b[i] = s / l[i * p + i];
    }
    for (int i = p - 1; i >= 0; i--) {
        double s = b[i];
        for (int k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
        b[i] = s / l[i * p + i];
    }
}
