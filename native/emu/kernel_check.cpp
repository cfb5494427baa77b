// Runs the Cohortex CUDA kernels under the CPU emulator (cuda_emu.h) on inputs written by the Java
// tests (org.cohortex.backend.KernelEmulationTest), which compare the outputs with the CPU twins.
// Buffers are raw little-endian files in DIR; scalars come on the command line. The launch
// geometry is the one CudaBackend uses, so tiling and bounds are exercised as on a device.
//   kernel_check gemm d|s M N K TA TB ALPHA BETA DIR      A.bin B.bin C.bin -> C.out.bin
//   kernel_check spd BATCH P DIR                          A.bin B.bin -> X.bin
//   kernel_check nnls SAMPLES K TOL DIR                   G.bin H.bin -> X.bin status.bin
//   kernel_check fl GENES N P NB DF DIR                   R Q rr absT order perms -> exceed stepdown absStar
//   kernel_check gibbs GENES N K ITER BURN SEED NU V0 SIGMA0 HASPV OFFSET DIR
//                                                         y (genes x n) w mu0 [pv] (genes x k) status -> sum (genes x n k)
//   kernel_check philox SEED GENE ITER COUNT DIR          -> ints.bin normals.bin gammas.bin
#define COHORTEX_EMULATION 1
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../../kernels/gemm.cu"
#include "../../kernels/batched.cu"
#include "../../kernels/permutation.cu"
#include "../../kernels/gibbs.cu"

template <class T>
static std::vector<T> load(const std::string& dir, const char* name, size_t count) {
    std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) { std::fprintf(stderr, "cannot open %s\n", path.c_str()); std::exit(2); }
    std::vector<T> v(count);
    if (count && std::fread(v.data(), sizeof(T), count, f) != count) { std::fprintf(stderr, "%s: short read\n", path.c_str()); std::exit(2); }
    std::fclose(f);
    return v;
}

template <class T>
static void save(const std::string& dir, const char* name, const std::vector<T>& v) {
    std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(v.data(), sizeof(T), v.size(), f) != v.size()) { std::fprintf(stderr, "cannot write %s\n", path.c_str()); std::exit(2); }
    std::fclose(f);
}

static unsigned blocks(size_t work, unsigned per) { return (unsigned)((work + per - 1) / per); }

template <class T, class K>
static int run_gemm(K kernel, int m, int n, int k, int ta, int tb, double alpha, double beta, const std::string& dir) {
    auto A = load<T>(dir, "A.bin", (size_t)m * k), B = load<T>(dir, "B.bin", (size_t)k * n), C = load<T>(dir, "C.bin", (size_t)m * n);
    int lda = ta ? m : k, ldb = tb ? k : n;
    emu_launch(dim3(blocks(n, GEMM_BN), blocks(m, GEMM_BM)), dim3(16, 16), kernel, m, n, k, (T)alpha, A.data(), lda, ta, B.data(), ldb, tb, (T)beta, C.data(), n);
    save(dir, "C.out.bin", C);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) { std::fprintf(stderr, "usage: kernel_check gemm|spd|nnls|fl|gibbs|philox ...\n"); return 2; }
    std::string cmd = argv[1];
    if (cmd == "gemm" && argc == 11) {
        int m = std::atoi(argv[3]), n = std::atoi(argv[4]), k = std::atoi(argv[5]), ta = std::atoi(argv[6]), tb = std::atoi(argv[7]);
        double alpha = std::atof(argv[8]), beta = std::atof(argv[9]);
        if (argv[2][0] == 'd') return run_gemm<double>(dgemm_rm, m, n, k, ta, tb, alpha, beta, argv[10]);
        return run_gemm<float>(sgemm_rm, m, n, k, ta, tb, alpha, beta, argv[10]);
    }
    if (cmd == "spd" && argc == 5) {
        int batch = std::atoi(argv[2]), p = std::atoi(argv[3]);
        std::string dir = argv[4];
        auto A = load<double>(dir, "A.bin", (size_t)batch * p * p), B = load<double>(dir, "B.bin", (size_t)batch * p);
        std::vector<double> X((size_t)batch * p), work((size_t)batch * p * p);
        emu_launch(dim3(blocks(batch, 128)), dim3(128), spd_solve_batched, batch, p, (const double*)A.data(), (const double*)B.data(), X.data(), work.data());
        save(dir, "X.bin", X);
        return 0;
    }
    if (cmd == "nnls" && argc == 6) {
        int samples = std::atoi(argv[2]), k = std::atoi(argv[3]);
        double tol = std::atof(argv[4]);
        std::string dir = argv[5];
        auto G = load<double>(dir, "G.bin", (size_t)k * k), H = load<double>(dir, "H.bin", (size_t)samples * k);
        std::vector<double> X((size_t)samples * k);
        std::vector<int32_t> status(samples);
        emu_launch(dim3(blocks(samples, 128)), dim3(128), nnls_gram_batched, samples, k, (const double*)G.data(), (const double*)H.data(), tol, X.data(), (int*)status.data());
        save(dir, "X.bin", X);
        save(dir, "status.bin", status);
        return 0;
    }
    if (cmd == "fl" && argc == 8) {
        int genes = std::atoi(argv[2]), n = std::atoi(argv[3]), p = std::atoi(argv[4]), nb = std::atoi(argv[5]), df = std::atoi(argv[6]);
        std::string dir = argv[7];
        auto R = load<double>(dir, "R.bin", (size_t)genes * n), Q = load<double>(dir, "Q.bin", (size_t)n * p);
        auto rr = load<double>(dir, "rr.bin", genes), absT = load<double>(dir, "absT.bin", genes);
        auto order = load<int32_t>(dir, "order.bin", genes), perms = load<int32_t>(dir, "perms.bin", (size_t)nb * n);
        size_t width = (size_t)nb * p;
        std::vector<double> W((size_t)n * width), C((size_t)genes * width, 0.0), absStar((size_t)nb * genes), U((size_t)nb * genes);
        std::vector<unsigned long long> exceed(genes, 0), stepDown(genes, 0);
        emu_launch(dim3(blocks((size_t)nb * n * p, 256)), dim3(256), fl_gather_basis, n, p, nb, (const double*)Q.data(), (const int*)perms.data(), W.data());
        emu_launch(dim3(blocks(width, GEMM_BN), blocks(genes, GEMM_BM)), dim3(16, 16), dgemm_rm, genes, (int)width, n, 1.0,
                   (const double*)R.data(), n, 0, (const double*)W.data(), (int)width, 0, 0.0, C.data(), (int)width);
        emu_launch(dim3(blocks((size_t)genes * nb, 256)), dim3(256), fl_reduce, genes, nb, p, (const double*)C.data(), (const double*)rr.data(), df, 0, genes, absStar.data());
        emu_launch(dim3(blocks(genes, 256)), dim3(256), fl_exceed, genes, nb, (const double*)absStar.data(), (const double*)absT.data(), exceed.data());
        emu_launch(dim3(nb), dim3(FL_SCAN), fl_suffix_max, genes, (const double*)absStar.data(), (const int*)order.data(), U.data());
        emu_launch(dim3(blocks(genes, 256)), dim3(256), fl_stepdown, genes, nb, (const double*)U.data(), (const double*)absT.data(), (const int*)order.data(), stepDown.data());
        save(dir, "exceed.bin", exceed);
        save(dir, "stepdown.bin", stepDown);
        save(dir, "absStar.bin", absStar);
        return 0;
    }
    if (cmd == "gibbs" && argc == 14) {
        int genes = std::atoi(argv[2]), n = std::atoi(argv[3]), k = std::atoi(argv[4]), iter = std::atoi(argv[5]), burn = std::atoi(argv[6]);
        unsigned long long seed = std::strtoull(argv[7], nullptr, 10);
        double nu = std::atof(argv[8]), v0 = std::atof(argv[9]), sigma0 = std::atof(argv[10]);
        int hasPv = std::atoi(argv[11]), offset = std::atoi(argv[12]);
        std::string dir = argv[13];
        auto y = load<double>(dir, "y.bin", (size_t)genes * n), w = load<double>(dir, "w.bin", (size_t)n * k);
        auto mu0 = load<double>(dir, "mu0.bin", (size_t)genes * k);
        std::vector<double> pv;
        if (hasPv) pv = load<double>(dir, "pv.bin", (size_t)genes * k * k);
        auto status = load<int32_t>(dir, "status.bin", genes);
        std::vector<double> a((size_t)n * k * genes), sum((size_t)n * k * genes);
        emu_launch(dim3(genes), dim3(GIBBS_THREADS), gibbs_bmind, genes, n, k, (const double*)y.data(), (const double*)w.data(), (const double*)mu0.data(),
                   (const double*)(hasPv ? pv.data() : nullptr), sigma0, nu, v0, iter, burn, seed, offset, a.data(), sum.data(), (int*)status.data());
        save(dir, "sum.bin", sum);
        save(dir, "status.out.bin", status);
        return 0;
    }
    if (cmd == "philox" && argc == 7) {
        unsigned long long seed = std::strtoull(argv[2], nullptr, 10);
        unsigned gene = (unsigned)std::atoi(argv[3]), it = (unsigned)std::atoi(argv[4]);
        int count = std::atoi(argv[5]);
        std::string dir = argv[6];
        Philox4 s;
        std::vector<uint32_t> ints(count);
        std::vector<double> normals(count), gammas(count);
        philox_init(&s, seed, gene);
        philox_iteration(&s, it);
        for (int i = 0; i < count; i++) ints[i] = philox_next(&s);
        philox_iteration(&s, it);
        for (int i = 0; i < count; i++) normals[i] = philox_normal(&s);
        philox_iteration(&s, it);
        for (int i = 0; i < count; i++) gammas[i] = philox_gamma(&s, i % 2 ? 0.37 : 152.0005);
        save(dir, "ints.bin", ints);
        save(dir, "normals.bin", normals);
        save(dir, "gammas.bin", gammas);
        return 0;
    }
    std::fprintf(stderr, "kernel_check: bad arguments for '%s'\n", cmd.c_str());
    return 2;
}
