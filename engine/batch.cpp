// Batch wire form (docs/PROTOCOL.md, "Batch encoding"): arrays are copied with memcpy; the
// decoder validates every length, type tag, validity byte and string offset.
#include "engine/batch.h"

#include <stdexcept>

#include "engine/byte_io.h"

namespace plume::engine {
namespace {

// 2: type tags are varints (DECIMAL); 3: HUGEINT columns (16-byte values); 4: DECIMAL(19..38)
// columns in 16-byte units
constexpr std::uint8_t kBatchFormatVersion = 4;

template <typename T>
void WriteArray(ByteWriter& w, const std::vector<T>& v, std::size_t rows) {
  if (v.size() != rows) throw std::logic_error("EncodeBatch: column length differs from rows");
  if (rows > 0) w.Raw(v.data(), rows * sizeof(T));
}

template <typename T>
void ReadArray(ByteReader& r, std::vector<T>* v, std::size_t rows) {
  if (rows > r.remaining() / sizeof(T)) r.Fail("column data truncated");
  v->resize(rows);
  const char* src = r.Take(rows * sizeof(T));
  if (rows > 0) std::memcpy(v->data(), src, rows * sizeof(T));
}

void ReadStrings(ByteReader& r, BatchColumn* c, std::size_t rows) {
  ReadArray(r, &c->offsets, rows + 1);
  const std::uint64_t chars = r.Fixed<std::uint64_t>();
  if (c->offsets[0] != 0 || c->offsets[rows] != chars) r.Fail("string offsets do not span chars");
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < rows; ++i) bad |= c->offsets[i + 1] < c->offsets[i];
  if (bad) r.Fail("string offsets decrease");
  if (chars > r.remaining()) r.Fail("string characters truncated");
  c->chars.assign(r.Take(chars), chars);
}

void ReadColumn(ByteReader& r, BatchColumn* c, std::size_t rows) {
  c->type = ReadType(r);
  const std::uint8_t has_valid = r.U8();
  if (has_valid > 1) r.Fail("bad validity flag");
  if (has_valid) {
    ReadArray(r, &c->valid, rows);
    std::uint8_t bad = 0;
    for (std::uint8_t v : c->valid) bad |= v;
    if (bad > 1) r.Fail("validity byte is neither 0 nor 1");
  }
  if (IsIntPhysical(c->type)) {
    ReadArray(r, &c->ints, rows);
  } else if (IsWidePhysical(c->type)) {
    ReadArray(r, &c->wide, rows);
  } else if (c->type == Type::kFloat64) {
    ReadArray(r, &c->doubles, rows);
  } else {
    ReadStrings(r, c, rows);
  }
}

}  // namespace

void EncodeBatch(const Batch& batch, std::string* out) {
  std::size_t size = 13;
  for (const BatchColumn& c : batch.columns) {
    size += 3 + c.valid.size() +
            (c.type == Type::kString  ? 12 + 4 * batch.rows + c.chars.size()
             : IsWidePhysical(c.type) ? 16 * batch.rows
                                      : 8 * batch.rows);
  }
  out->reserve(out->size() + size);
  ByteWriter w(out);
  w.U8(kBatchFormatVersion);
  w.Fixed<std::uint32_t>(static_cast<std::uint32_t>(batch.columns.size()));
  w.Fixed<std::uint64_t>(batch.rows);
  for (const BatchColumn& c : batch.columns) {
    WriteType(w, c.type);
    w.U8(c.valid.empty() ? 0 : 1);
    if (!c.valid.empty()) WriteArray(w, c.valid, batch.rows);
    if (IsIntPhysical(c.type)) {
      WriteArray(w, c.ints, batch.rows);
    } else if (IsWidePhysical(c.type)) {
      WriteArray(w, c.wide, batch.rows);
    } else if (c.type == Type::kFloat64) {
      WriteArray(w, c.doubles, batch.rows);
    } else if (c.offsets.empty() && batch.rows == 0) {
      w.Fixed<std::uint32_t>(0);
      w.Fixed<std::uint64_t>(0);
    } else {
      WriteArray(w, c.offsets, batch.rows + 1);
      if (c.offsets.back() != c.chars.size()) {
        throw std::logic_error("EncodeBatch: string offsets do not span chars");
      }
      w.Fixed<std::uint64_t>(c.chars.size());
      w.Raw(c.chars.data(), c.chars.size());
    }
  }
}

Batch DecodeBatch(std::string_view bytes) {
  ByteReader r(bytes, "encoded batch");
  if (r.U8() != kBatchFormatVersion) r.Fail("unsupported batch format version");
  const std::uint32_t ncols = r.Fixed<std::uint32_t>();
  const std::uint64_t rows = r.Fixed<std::uint64_t>();
  if (ncols > r.remaining() / 2) r.Fail("column count exceeds the buffer");
  if (rows > r.remaining() && ncols > 0) r.Fail("row count exceeds the buffer");
  Batch b;
  b.rows = static_cast<std::size_t>(rows);
  b.columns.resize(ncols);
  for (BatchColumn& c : b.columns) ReadColumn(r, &c, b.rows);
  if (!r.AtEnd()) r.Fail("trailing bytes after the last column");
  return b;
}

std::size_t MemoryBytes(const Batch& batch) {
  std::size_t bytes = sizeof(Batch);
  for (const BatchColumn& c : batch.columns) {
    bytes += sizeof(BatchColumn) + 8 * (c.ints.capacity() + c.doubles.capacity()) +
             16 * c.wide.capacity() + 4 * c.offsets.capacity() + c.chars.capacity() +
             c.valid.capacity();
  }
  return bytes;
}

}  // namespace plume::engine
