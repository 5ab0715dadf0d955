#include "preprocess/ingest.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>

namespace plume::preprocess {

namespace fs = std::filesystem;

namespace {

void CollectDirectory(const std::string& dir, std::vector<std::string>* out) {
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, ec);
  if (ec) throw std::runtime_error("cannot read directory '" + dir + "': " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot read directory '" + dir + "': " + ec.message());
    if (it->is_regular_file(ec) && it->path().extension() == ".csv") {
      out->push_back(it->path().string());
    }
  }
  if (ec) throw std::runtime_error("cannot read directory '" + dir + "': " + ec.message());
}

// Overlapping inputs (a directory and a file inside it, the same path twice, a symlink to it)
// name some files more than once; each file is read once so that every row is stored once.
std::vector<std::string> DropRepeats(std::vector<std::string> files) {
  std::set<std::string> seen;
  std::vector<std::string> unique;
  unique.reserve(files.size());
  for (std::string& f : files) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(f, ec);
    if (ec) key = fs::absolute(f).lexically_normal();
    if (seen.insert(key.string()).second) unique.push_back(std::move(f));
  }
  return unique;
}

}  // namespace

std::vector<std::string> CollectCsvFiles(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::file_status st = fs::status(input, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {  // e.g. a directory without x
      throw std::runtime_error("input '" + input + "' cannot be read: " + ec.message());
    }
    if (!fs::exists(st)) throw std::runtime_error("input '" + input + "' does not exist");
    if (fs::is_directory(st)) {
      const std::size_t before = files.size();
      CollectDirectory(input, &files);
      std::sort(files.begin() + static_cast<std::ptrdiff_t>(before), files.end());
    } else if (fs::is_regular_file(st)) {
      files.push_back(input);
    } else {
      throw std::runtime_error("input '" + input + "' is neither a file nor a directory");
    }
  }
  if (files.empty()) throw std::runtime_error("no *.csv file found in the inputs");
  return DropRepeats(std::move(files));
}

IngestResult IngestFiles(const std::vector<std::string>& files, int threads,
                         std::size_t list_rejects) {
  const std::size_t n = files.size();
  const std::size_t workers = std::clamp<std::size_t>(static_cast<std::size_t>(threads), 1, n);
  std::vector<IngestResult> parts(workers);
  for (IngestResult& part : parts) part.report.listed = list_rejects;
  std::vector<std::exception_ptr> errors(workers);
  auto work = [&](std::size_t w) {
    try {
      for (std::size_t i = w * n / workers; i < (w + 1) * n / workers; ++i) {
        ReadCsvFile(files[i], &parts[w].rows, &parts[w].report);
      }
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  IngestResult result = std::move(parts[0]);
  for (std::size_t w = 1; w < workers; ++w) {
    result.rows.Append(parts[w].rows);
    result.report.Merge(parts[w].report);
  }
  return result;
}

}  // namespace plume::preprocess
