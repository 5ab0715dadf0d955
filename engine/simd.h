// Which instruction set the hot aggregation kernels run on (exact sums, integer min/max, the
// one-key check of a GROUP BY chunk): the build targets baseline x86-64 (SSE2), so the AVX2
// versions are compiled per function (PLUME_AVX2) and chosen at run time, once, by the CPU.
// Both give the same answers; PLUME_KERNELS=baseline in the environment keeps the baseline ones
// (for A/B runs), and tests switch with SetKernelIsaForTesting to check one against the other.
// Private to engine/.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define PLUME_HAVE_AVX2_KERNELS 1
#define PLUME_AVX2 __attribute__((target("avx2")))
#else
#define PLUME_HAVE_AVX2_KERNELS 0
#define PLUME_AVX2
#endif

namespace plume::engine {

enum class KernelIsa { kBaseline, kAvx2 };

// The instruction set in use: kAvx2 when the CPU has it and PLUME_KERNELS is not "baseline".
// Cheap (a load after the first call); safe from any thread.
KernelIsa ActiveKernelIsa();
inline bool UseAvx2() { return PLUME_HAVE_AVX2_KERNELS && ActiveKernelIsa() == KernelIsa::kAvx2; }
// Tests only: forces `isa` (kAvx2 only where the CPU has it; returns whether it took effect).
bool SetKernelIsaForTesting(KernelIsa isa);

}  // namespace plume::engine
