// engine/simd.h: the kernels' instruction set is the CPU's unless a test (or PLUME_KERNELS)
// says otherwise, and switching it is reversible.
#include "engine/simd.h"

#include <gtest/gtest.h>

#include "tests/engine/kernel_isa.h"

namespace plume::engine::testing {
namespace {

TEST(KernelIsa, BaselineIsAlwaysAvailableAndSwitchingRestores) {
  const KernelIsa was = ActiveKernelIsa();
  const std::vector<KernelIsa> isas = AvailableIsas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas[0], KernelIsa::kBaseline);
  EXPECT_EQ(ActiveKernelIsa(), was);
  for (KernelIsa isa : isas) {
    ScopedKernelIsa scoped(isa);
    EXPECT_EQ(ActiveKernelIsa(), isa);
    EXPECT_EQ(UseAvx2(), isa == KernelIsa::kAvx2);
  }
  EXPECT_EQ(ActiveKernelIsa(), was);
#if PLUME_HAVE_AVX2_KERNELS
  EXPECT_EQ(isas.size() == 2, __builtin_cpu_supports("avx2") != 0);
#else
  EXPECT_EQ(isas.size(), 1u);
#endif
}

}  // namespace
}  // namespace plume::engine::testing
