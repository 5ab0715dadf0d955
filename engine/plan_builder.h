// Making a Plan from its bound form. Private to engine/ (Plan's constructor is private).
#pragma once

#include "engine/plan_data.h"
#include "engine/query.h"

namespace plume::engine {

struct PlanBuilder {
  static Plan Make(PlanData data);
};

}  // namespace plume::engine
