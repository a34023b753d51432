#include "importer/zip_archive.hpp"

#include <zip.h>

#include <array>
#include <cstdint>

namespace seatd::importer {
namespace {

struct file_closer {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using file_ptr = std::unique_ptr<zip_file_t, file_closer>;

// zip_error_t owns an allocated message string once libzip formats it; fini releases it.
struct error_guard {
  zip_error_t error;
  error_guard() { zip_error_init(&error); }
  ~error_guard() { zip_error_fini(&error); }
  error_guard(const error_guard&) = delete;
  error_guard& operator=(const error_guard&) = delete;
};

}  // namespace

void zip_archive::closer::operator()(zip* z) const {
  // Read-only: discard, never write back.
  zip_discard(z);
}

std::optional<zip_archive> zip_archive::open(std::string_view bytes) {
  error_guard err;
  // freep = 0: the buffer stays owned by the caller.
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err.error);
  if (src == nullptr) return std::nullopt;
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err.error);
  if (z == nullptr) {
    // On failure the source is still ours to free; on success the archive owns it.
    zip_source_free(src);
    return std::nullopt;
  }
  return zip_archive(z);
}

bool zip_archive::contains(std::string_view name) const {
  const std::string key(name);
  // Package part names are case-insensitive (OPC), so match them that way.
  return zip_name_locate(zip_.get(), key.c_str(), ZIP_FL_NOCASE) >= 0;
}

zip_read_status zip_archive::read(std::string_view name, std::size_t max_bytes,
                                  const std::function<bool(std::string_view)>& sink) const {
  const std::string key(name);
  const zip_int64_t index = zip_name_locate(zip_.get(), key.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return zip_read_status::missing;
  const auto idx = static_cast<zip_uint64_t>(index);

  // The declared size cannot be trusted to be small enough, but one that is already too big
  // lets us refuse without decompressing anything.
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_.get(), idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0 &&
      st.size > max_bytes) {
    return zip_read_status::too_large;
  }

  file_ptr file(zip_fopen_index(zip_.get(), idx, 0));
  if (!file) return zip_read_status::corrupt;

  std::array<char, 64 * 1024> chunk;
  std::size_t total = 0;
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
    if (n < 0) return zip_read_status::corrupt;
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
    // Counted on what the decompressor really produced, so a lying header does not matter.
    if (total > max_bytes) return zip_read_status::too_large;
    if (!sink(std::string_view(chunk.data(), static_cast<std::size_t>(n)))) {
      return zip_read_status::stopped;
    }
  }
  return zip_read_status::ok;
}

zip_read_status zip_archive::read_all(std::string_view name, std::size_t max_bytes,
                                      std::string& out) const {
  out.clear();
  return read(name, max_bytes, [&out](std::string_view piece) {
    out.append(piece);
    return true;
  });
}

}  // namespace seatd::importer
