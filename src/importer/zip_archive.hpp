#pragma once
// Read-only view of a zip archive held in memory (libzip). Entries are streamed in chunks with a
// hard cap on the *uncompressed* bytes actually produced, because the sizes recorded in a zip's
// headers are written by whoever made the file and a zip bomb lies about them.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct zip;

namespace seatd::importer {

enum class zip_read_status {
  ok,
  missing,    // no such entry
  too_large,  // more than max_bytes uncompressed
  corrupt,    // bad compressed data, CRC mismatch, encryption, ...
  stopped,    // the sink asked to stop
};

class zip_archive {
 public:
  // nullopt when the bytes are not a readable zip. `bytes` must outlive the archive: libzip
  // reads it in place rather than copying the upload.
  static std::optional<zip_archive> open(std::string_view bytes);

  bool contains(std::string_view name) const;

  // Streams the entry's uncompressed bytes to `sink` in chunks. The sink returns false to stop.
  zip_read_status read(std::string_view name, std::size_t max_bytes,
                       const std::function<bool(std::string_view)>& sink) const;

  // The whole entry as a string, for the small parts of a package.
  zip_read_status read_all(std::string_view name, std::size_t max_bytes, std::string& out) const;

 private:
  struct closer {
    void operator()(zip* z) const;
  };
  explicit zip_archive(zip* z) : zip_(z) {}

  std::unique_ptr<zip, closer> zip_;
};

}  // namespace seatd::importer
