// Binary form of a PlanData (docs/PROTOCOL.md does not need it: only engine code reads it).
// Private to engine/.
#pragma once

#include <string>
#include <string_view>

#include "engine/plan_data.h"

namespace plume::engine {

inline constexpr std::uint8_t kPlanFormatVersion = 5;  // 2: expressions, computed columns; 3: input
                                                       // tables (windows); 4: packed IN lists;
                                                       // 5: 128-bit DECIMAL constants

std::string EncodePlan(const PlanData& plan);
// Throws std::runtime_error on a malformed or truncated buffer or a wrong version.
PlanData DecodePlan(std::string_view bytes);

}  // namespace plume::engine
