// The air-quality scalar functions over vectors: aqi(parameter, concentration),
// aqi_category(aqi), aqi_category_name(aqi) (engine/aqi.h has the EPA tables).
#include <string>

#include "engine/aqi.h"
#include "engine/expr_kernels.h"

namespace plume::engine {

void AqiFunction(const Expr& e, std::vector<BatchColumn>& a, std::size_t n, BatchColumn* out) {
  VectorBuilder b(e.type, n);
  std::string last_name;  // the parameter of the previous row (runs of one parameter are common)
  std::optional<Pollutant> last;
  for (std::size_t i = 0; i < n; ++i) {
    if (AnyNull(a, i)) {
      b.Null();
      continue;
    }
    if (e.fn != ExprFn::kAqi) {
      const int category = AqiCategory(a[0].ints[i]);
      if (e.fn == ExprFn::kAqiCategory) {
        b.Int(category);
      } else {
        b.String(AqiCategoryName(category));
      }
      continue;
    }
    const std::string_view name = a[0].StringAt(i);
    if (i == 0 || name != last_name) {
      last_name.assign(name);
      last = PollutantOf(name);
    }
    const std::optional<std::int64_t> v = last ? AqiOf(*last, a[1].doubles[i]) : std::nullopt;
    if (v) {
      b.Int(*v);
    } else {
      b.Null();
    }
  }
  *out = b.Finish();
}

}  // namespace plume::engine
