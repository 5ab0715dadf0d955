#include "io/hdf5_handle.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace plume::io::h5 {

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::Reset() noexcept {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = H5I_INVALID_HID;
}

void Handle::Close(const std::string& context) {
  if (id_ < 0) return;
  const hid_t id = id_;
  id_ = H5I_INVALID_HID;
  if (closer_ != nullptr) Check(closer_(id), context);
}

void SilenceErrorPrinting() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

namespace {

herr_t AppendFrame(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  char minor[128] = "";
  H5Eget_msg(err->min_num, nullptr, minor, sizeof minor);
  if (!out->empty()) out->append("; ");
  out->append(err->func_name != nullptr ? err->func_name : "?");
  out->append(": ");
  out->append(err->desc != nullptr ? err->desc : "");
  if (minor[0] != '\0') {
    out->append(" (");
    out->append(minor);
    out->append(")");
  }
  return n >= 7 ? 1 : 0;  // the innermost frames say what went wrong; stop after eight
}

}  // namespace

std::string ErrorStackText() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, AppendFrame, &text);
  H5Eclear2(H5E_DEFAULT);
  return text;
}

void Fail(const std::string& context) {
  const std::string stack = ErrorStackText();
  throw std::runtime_error(stack.empty() ? context : context + ": HDF5: " + stack);
}

hid_t Check(hid_t id, const std::string& context) {
  if (id < 0) Fail(context);
  return id;
}

herr_t Check(herr_t status, const std::string& context) {
  if (status < 0) Fail(context);
  return status;
}

Handle File(hid_t id, const std::string& context) { return {Check(id, context), H5Fclose}; }
Handle Group(hid_t id, const std::string& context) { return {Check(id, context), H5Gclose}; }
Handle Dataset(hid_t id, const std::string& context) { return {Check(id, context), H5Dclose}; }
Handle Dataspace(hid_t id, const std::string& context) { return {Check(id, context), H5Sclose}; }
Handle Datatype(hid_t id, const std::string& context) { return {Check(id, context), H5Tclose}; }
Handle Attribute(hid_t id, const std::string& context) { return {Check(id, context), H5Aclose}; }
Handle PropList(hid_t id, const std::string& context) { return {Check(id, context), H5Pclose}; }

Handle FixedStringType(std::size_t size) {
  Handle type = Datatype(H5Tcopy(H5T_C_S1), "copy string type");
  Check(H5Tset_size(type.get(), size == 0 ? 1 : size), "set string size");
  Check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "set string padding");
  Check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set UTF-8 character set");
  return type;
}

namespace {

void WriteScalarAttr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type,
                     const void* value) {
  const std::string context = std::string("write attribute '") + name + "'";
  Handle space = Dataspace(H5Screate(H5S_SCALAR), context);
  if (H5Aexists(obj, name) > 0) Check(H5Adelete(obj, name), context);
  Handle attr =
      Attribute(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), context);
  Check(H5Awrite(attr.get(), mem_type, value), context);
}

}  // namespace

void WriteAttr(hid_t obj, const char* name, std::int64_t value) {
  WriteScalarAttr(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}
void WriteAttr(hid_t obj, const char* name, std::uint64_t value) {
  WriteScalarAttr(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}
void WriteAttr(hid_t obj, const char* name, std::uint32_t value) {
  WriteScalarAttr(obj, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &value);
}
void WriteAttr(hid_t obj, const char* name, double value) {
  WriteScalarAttr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}
void WriteAttr(hid_t obj, const char* name, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(std::string("attribute '") + name + "' holds a NUL byte");
  }
  Handle type = FixedStringType(value.size());
  const std::string padded(value.empty() ? std::string(1, '\0') : std::string(value));
  WriteScalarAttr(obj, name, type.get(), type.get(), padded.data());
}

bool HasAttr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

std::int64_t ReadIntAttr(hid_t obj, const char* name, const std::string& context) {
  const std::string what = context + ": attribute '" + name + "'";
  if (!HasAttr(obj, name)) throw std::runtime_error(what + " is missing");
  Handle attr = Attribute(H5Aopen(obj, name, H5P_DEFAULT), what);
  Handle type = Datatype(H5Aget_type(attr.get()), what);
  if (H5Tget_class(type.get()) != H5T_INTEGER) throw std::runtime_error(what + " is not integer");
  std::int64_t value = 0;
  Check(H5Aread(attr.get(), H5T_NATIVE_INT64, &value), what);
  return value;
}

std::uint64_t ReadUint64Attr(hid_t obj, const char* name, const std::string& context) {
  const std::string what = context + ": attribute '" + name + "'";
  if (!HasAttr(obj, name)) throw std::runtime_error(what + " is missing");
  Handle attr = Attribute(H5Aopen(obj, name, H5P_DEFAULT), what);
  Handle type = Datatype(H5Aget_type(attr.get()), what);
  if (H5Tequal(type.get(), H5T_STD_U64LE) <= 0) throw std::runtime_error(what + " is not uint64");
  std::uint64_t value = 0;
  Check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &value), what);
  return value;
}

namespace {

// The byte size of a fixed-length string type, or 0 when `type` is not one (or is absurd: a
// string longer than kMaxFixedString is no plume file's).
constexpr std::size_t kMaxFixedString = 1 << 16;

std::size_t FixedStringSize(hid_t type) {
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) != 0) return 0;
  const std::size_t size = H5Tget_size(type);
  return size <= kMaxFixedString ? size : 0;
}

// One string of a NUL-padded fixed-length field (the writer never stores a NUL byte).
std::string Unpad(const char* field, std::size_t size) {
  std::size_t n = 0;
  while (n < size && field[n] != '\0') ++n;
  return std::string(field, n);
}

}  // namespace

std::string ReadStringAttr(hid_t obj, const char* name, const std::string& context) {
  const std::string what = context + ": attribute '" + name + "'";
  if (!HasAttr(obj, name)) throw std::runtime_error(what + " is missing");
  Handle attr = Attribute(H5Aopen(obj, name, H5P_DEFAULT), what);
  Handle file_type = Datatype(H5Aget_type(attr.get()), what);
  const std::size_t size = FixedStringSize(file_type.get());
  if (size == 0) throw std::runtime_error(what + " is not a fixed-length string");
  std::string buffer(size, '\0');
  Check(H5Aread(attr.get(), file_type.get(), buffer.data()), what);
  return Unpad(buffer.data(), size);
}

std::uint64_t DatasetLength(hid_t dataset, const std::string& context) {
  Handle space = Dataspace(H5Dget_space(dataset), context);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw std::runtime_error(context + " is not one-dimensional");
  }
  hsize_t dims[1] = {0};
  Check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), context);
  return dims[0];
}

std::vector<std::string> ReadStrings(hid_t dataset, const std::string& context) {
  const std::uint64_t n = DatasetLength(dataset, context);
  Handle file_type = Datatype(H5Dget_type(dataset), context);
  const std::size_t size = FixedStringSize(file_type.get());
  if (size == 0) throw std::runtime_error(context + " is not a fixed-length string dataset");
  std::vector<std::string> out;
  if (n == 0) return out;
  std::vector<char> buffer(n * size);
  Check(H5Dread(dataset, file_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), context);
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(Unpad(buffer.data() + i * size, size));
  return out;
}

void WriteStrings(hid_t parent, const char* name, const std::vector<std::string>& values,
                  const std::string& context) {
  std::size_t size = 1;
  for (const std::string& s : values) {
    if (s.find('\0') != std::string::npos) {
      throw std::invalid_argument(context + ": a string holds a NUL byte");
    }
    size = std::max(size, s.size());
  }
  if (size > kMaxFixedString) throw std::invalid_argument(context + ": a string is too long");
  const hsize_t dims[1] = {values.size()};
  Handle space = Dataspace(H5Screate_simple(1, dims, nullptr), context);
  Handle type = FixedStringType(size);
  Handle dataset = Dataset(
      H5Dcreate2(parent, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      context);
  if (values.empty()) return;
  std::vector<char> buffer(values.size() * size, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * size);
  }
  Check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), context);
}

}  // namespace plume::io::h5
