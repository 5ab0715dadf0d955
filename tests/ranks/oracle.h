// The single-process reference the MPI tests compare against: every partition run by
// engine::PartitionExecution and merged by one final engine::Merger, in one process, no MPI.
#pragma once

#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "engine/table.h"

namespace plume::ranks::testing {

using TextRow = std::vector<std::string>;  // one text cell per column ("NULL" for NULL)

void AppendBatchText(const engine::Batch& batch, std::vector<TextRow>* rows);
std::vector<TextRow> RunLocal(const engine::Plan& plan, const std::vector<engine::Table>& parts);

// Cells equal; DOUBLE cells within a relative 1e-9 (sums merged in another order).
bool SameRow(const TextRow& a, const TextRow& b, const std::vector<engine::Field>& fields);
std::string RowString(const TextRow& row);

}  // namespace plume::ranks::testing
