#include "importer/shared_strings.hpp"

#include "importer/xlsx_package.hpp"
#include "importer/xml_stream.hpp"

namespace seatd::importer {
namespace {

// <si> holds either one <t> or rich-text runs <r><t>..</t></r>; the string is the runs joined.
// <rPh> holds phonetic guides (furigana) that are not part of the displayed text.
class shared_strings_handler final : public xml_handler {
 public:
  explicit shared_strings_handler(std::vector<std::string>& out) : out_(out) {}

  void start(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      if (out_.size() >= max_shared_strings) {
        fail("more than " + std::to_string(max_shared_strings) + " shared strings");
        return;
      }
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && in_si_) {
      ++t_depth_;
    }
  }

  void end(std::string_view name) override {
    if (name == "si") {
      out_.push_back(std::move(current_));
      current_.clear();
      in_si_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "t") {
      if (t_depth_ > 0) --t_depth_;
    }
  }

  void text(std::string_view s) override {
    if (in_si_ && t_depth_ > 0 && phonetic_depth_ == 0) current_.append(s);
  }

 private:
  std::vector<std::string>& out_;
  std::string current_;
  bool in_si_ = false;
  int t_depth_ = 0;
  int phonetic_depth_ = 0;
};

}  // namespace

std::optional<std::string> read_shared_strings(const zip_archive& zip, std::string_view path,
                                               const limits& lim, std::vector<std::string>& out) {
  out.clear();
  shared_strings_handler handler(out);
  auto result = parse_xml_part(zip, path, lim, handler);
  if (result.error) out.clear();
  return result.error;
}

}  // namespace seatd::importer
