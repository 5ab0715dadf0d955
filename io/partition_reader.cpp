#include "io/partition_reader.h"

#include <utility>

#include "engine/schema.h"
#include "io/partition_loader.h"

namespace plume::io {

namespace {

engine::Table LoadEveryColumn(PartitionLoader& loader) {
  for (std::size_t c = 0; c < engine::kSchema.size(); ++c) loader.Want(c);
  loader.LoadQueued();
  return std::move(loader.table());
}

}  // namespace

engine::Table LoadPartition(const std::string& path) {
  PartitionLoader loader(path);
  return LoadEveryColumn(loader);
}

engine::Table LoadPartition(const std::string& dir, const Manifest& manifest,
                            const PartitionInfo& entry) {
  PartitionLoader loader(dir, manifest, entry);
  return LoadEveryColumn(loader);
}

}  // namespace plume::io
