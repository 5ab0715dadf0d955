// Internal to io/ (never included outside it): the one move-only RAII handle for HDF5 ids and
// the checked wrappers that turn HDF5's negative return codes into exceptions carrying HDF5's
// own error stack text. Not thread-safe: serial HDF5 must be used from one thread at a time.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace plume::io::h5 {

// Owns one hid_t and closes it with the matching H5?close function. Move-only.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
    other.id_ = H5I_INVALID_HID;
  }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { Reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now; a failing close is ignored (destructors never throw).
  void Reset() noexcept;
  // Closes now and reports a failure (a file close flushes: its error matters).
  void Close(const std::string& context);

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Turns off HDF5's automatic printing of error stacks (once per process). Every wrapper calls it.
void SilenceErrorPrinting();
// The current HDF5 error stack as one line of text ("" when empty).
std::string ErrorStackText();
// Throws std::runtime_error("<context>: <HDF5 error stack>").
[[noreturn]] void Fail(const std::string& context);
// Returns `id` or throws via Fail(context) when it is negative.
hid_t Check(hid_t id, const std::string& context);
herr_t Check(herr_t status, const std::string& context);

Handle File(hid_t id, const std::string& context);
Handle Group(hid_t id, const std::string& context);
Handle Dataset(hid_t id, const std::string& context);
Handle Dataspace(hid_t id, const std::string& context);
Handle Datatype(hid_t id, const std::string& context);
Handle Attribute(hid_t id, const std::string& context);
Handle PropList(hid_t id, const std::string& context);

// Fixed-length, NUL-padded UTF-8 string type of `size` bytes (0 counts as 1). Plume files hold
// no variable-length strings: those live in HDF5's global heap, which has no checksum, and a
// flipped byte there crashes HDF5 itself (H5HG_read) instead of failing the read.
Handle FixedStringType(std::size_t size);

// Scalar attributes on any object.
void WriteAttr(hid_t obj, const char* name, std::int64_t value);
void WriteAttr(hid_t obj, const char* name, std::uint64_t value);
void WriteAttr(hid_t obj, const char* name, std::uint32_t value);
void WriteAttr(hid_t obj, const char* name, double value);
void WriteAttr(hid_t obj, const char* name, std::string_view value);  // fixed-length; no NUL
bool HasAttr(hid_t obj, const char* name);
std::int64_t ReadIntAttr(hid_t obj, const char* name, const std::string& context);
// An attribute stored as uint64 (H5T_STD_U64LE); throws when it has any other type.
std::uint64_t ReadUint64Attr(hid_t obj, const char* name, const std::string& context);
std::string ReadStringAttr(hid_t obj, const char* name, const std::string& context);

// Length of a 1-D dataset; throws when it is not 1-D.
std::uint64_t DatasetLength(hid_t dataset, const std::string& context);
// Reads all strings of a 1-D fixed-length string dataset (trailing NUL padding removed).
std::vector<std::string> ReadStrings(hid_t dataset, const std::string& context);
// Writes a 1-D fixed-length string dataset `name` under `parent` (contiguous, small), each
// string padded to the longest. Throws std::invalid_argument for a string holding a NUL byte.
void WriteStrings(hid_t parent, const char* name, const std::vector<std::string>& values,
                  const std::string& context);

}  // namespace plume::io::h5
