// Finding and reading the CSV inputs of plume-preprocess.
#pragma once

#include <string>
#include <vector>

#include "preprocess/csv_reader.h"
#include "preprocess/row_store.h"

namespace plume::preprocess {

// Expands each input (a file, or a directory searched recursively for *.csv) into a sorted list
// of files; a file named explicitly is taken whatever its extension. Throws std::runtime_error
// naming the path when one does not exist or cannot be read, or when no CSV file is found.
// A file reached through several inputs (overlapping directories, a repeated path) is listed
// once, at its first place, so no row is stored twice.
std::vector<std::string> CollectCsvFiles(const std::vector<std::string>& inputs);

struct IngestResult {
  RowStore rows;
  IngestReport report;
};

// Reads `files` with up to `threads` threads (each a contiguous run of files, merged in file
// order, so the result does not depend on `threads`), keeping the first `list_rejects` rejected
// lines in full. Throws std::runtime_error on an unreadable file.
IngestResult IngestFiles(const std::vector<std::string>& files, int threads,
                         std::size_t list_rejects = IngestReport::kDefaultListed);

}  // namespace plume::preprocess
