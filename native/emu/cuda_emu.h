// A small CUDA execution emulator for validating our kernels' logic on a machine without a GPU.
// Blocks run one after another; the threads of a block run as real OS threads, so __syncthreads()
// is a real barrier and shared memory is really shared (a __shared__ variable becomes a static,
// valid because only one block runs at a time). What it checks: indexing, bounds, tiling, the
// barrier discipline, the arithmetic. What it cannot: timing, memory coalescing, warp-level races
// that a real scheduler could expose (the kernels avoid warp-synchronous code for this reason).
#pragma once
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;
inline std::barrier<>* emu_barrier = nullptr;
inline thread_local unsigned long emu_syncs = 0;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() { emu_syncs++; emu_barrier->arrive_and_wait(); }

using std::sqrt; using std::log; using std::sin; using std::cos; using std::pow;
using std::fabs; using std::fmax; using std::fmin;

// Runs kernel<<<grid, block>>>(args...) to completion.
template <class Kernel, class... Args>
void emu_launch(dim3 grid, dim3 block, Kernel kernel, Args... args) {
    gridDim = grid;
    blockDim = block;
    const unsigned threads = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                std::barrier<> bar(threads);
                emu_barrier = &bar;
                std::vector<std::thread> pool;
                std::vector<unsigned long> syncs(threads);
                pool.reserve(threads);
                for (unsigned t = 0; t < threads; t++) {
                    pool.emplace_back([=, &syncs]() {
                        blockIdx = dim3(bx, by, bz);
                        threadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
                        emu_syncs = 0;
                        kernel(args...);
                        syncs[t] = emu_syncs;
                        // a thread that returns early must not hold up the others (checked below)
                        emu_barrier->arrive_and_drop();
                    });
                }
                for (auto& th : pool) th.join();
                for (unsigned t = 1; t < threads; t++) {
                    if (syncs[t] != syncs[0]) {
                        std::fprintf(stderr, "emulator: divergent __syncthreads in block (%u,%u,%u): thread 0 passed %lu, thread %u passed %lu\n",
                                     bx, by, bz, syncs[0], t, syncs[t]);
                        std::exit(3);
                    }
                }
            }
}
