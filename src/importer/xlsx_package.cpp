#include "importer/xlsx_package.hpp"

#include <vector>

#include "importer/text_util.hpp"

namespace seatd::importer {
namespace {

constexpr std::string_view workbook_path = "xl/workbook.xml";
constexpr std::string_view workbook_rels_path = "xl/_rels/workbook.xml.rels";
constexpr std::string_view workbook_dir = "xl/";
constexpr std::string_view default_sheet = "xl/worksheets/sheet1.xml";
constexpr std::string_view default_shared_strings = "xl/sharedStrings.xml";

// The relationship id of the first <sheet> in <sheets>: Excel's first tab.
class workbook_handler final : public xml_handler {
 public:
  std::optional<std::string> first_sheet_rel;

  void start(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheets") in_sheets_ = true;
    if (in_sheets_ && name == "sheet" && !first_sheet_rel) {
      // r:id; its local name "id" is distinct from the "sheetId" attribute.
      if (auto id = attribute(attrs, "id")) first_sheet_rel = std::string(*id);
    }
  }
  void end(std::string_view name) override {
    if (name == "sheets") in_sheets_ = false;
  }
  void text(std::string_view) override {}

 private:
  bool in_sheets_ = false;
};

class rels_handler final : public xml_handler {
 public:
  explicit rels_handler(std::optional<std::string> wanted_id) : wanted_id_(std::move(wanted_id)) {}

  std::optional<std::string> sheet_target;
  std::optional<std::string> shared_strings_target;

  void start(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const auto id = attribute(attrs, "Id");
    const auto target = attribute(attrs, "Target");
    const auto type = attribute(attrs, "Type");
    const auto mode = attribute(attrs, "TargetMode");
    if (!target || (mode && *mode == "External")) return;
    if (wanted_id_ && id && *id == *wanted_id_ && !sheet_target) {
      sheet_target = std::string(*target);
    }
    if (type && iends_with(*type, "/sharedStrings") && !shared_strings_target) {
      shared_strings_target = std::string(*target);
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

 private:
  std::optional<std::string> wanted_id_;
};

std::string part_message(std::string_view path, std::string_view what) {
  return std::string(invalid_xlsx) + ": '" + std::string(path) + "' " + std::string(what);
}

// "not a valid .xlsx file: a DOCTYPE declaration is not allowed (in 'xl/sharedStrings.xml')"
std::string xml_message(std::string_view path, std::string_view what) {
  return std::string(invalid_xlsx) + ": " + std::string(what) + " (in '" + std::string(path) + "')";
}

}  // namespace

part_result parse_xml_part(const zip_archive& zip, std::string_view path, const limits& lim,
                           xml_handler& handler) {
  part_result result;
  xml_stream xml(handler);
  const auto status = zip.read(path, lim.max_entry_bytes,
                               [&xml](std::string_view chunk) { return xml.feed(chunk); });
  switch (status) {
    case zip_read_status::ok:
      if (!xml.finish()) result.error = xml_message(path, xml.error());
      break;
    case zip_read_status::missing:
      result.missing = true;
      result.error = std::string(invalid_xlsx) + ": missing '" + std::string(path) + "'";
      break;
    case zip_read_status::too_large:
      result.error =
          part_message(path, "is larger than the limit of " + format_bytes(lim.max_entry_bytes) +
                                 " when uncompressed");
      break;
    case zip_read_status::corrupt:
      result.error = part_message(path, "cannot be decompressed");
      break;
    case zip_read_status::stopped:
      result.error = xml_message(path, xml.error());
      break;
  }
  return result;
}

std::optional<std::string> resolve_part(std::string_view base_dir, std::string_view target) {
  std::string joined;
  if (!target.empty() && target.front() == '/') {
    joined = std::string(target.substr(1));
  } else {
    joined = std::string(base_dir) + std::string(target);
  }
  std::vector<std::string_view> segments;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  if (segments.empty()) return std::nullopt;
  std::string out;
  for (const auto seg : segments) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

package_parts locate_parts(const zip_archive& zip, const limits& lim) {
  package_parts parts;

  workbook_handler workbook;
  const auto wb = parse_xml_part(zip, workbook_path, lim, workbook);
  if (wb.error && !wb.missing) {
    parts.error = wb.error;
    return parts;
  }

  rels_handler rels(workbook.first_sheet_rel);
  const auto rr = parse_xml_part(zip, workbook_rels_path, lim, rels);
  if (rr.error && !rr.missing) {
    parts.error = rr.error;
    return parts;
  }

  // A package whose relationships point nowhere useful still has a chance with the names Excel
  // itself always writes.
  std::optional<std::string> sheet;
  if (rels.sheet_target) {
    sheet = resolve_part(workbook_dir, *rels.sheet_target);
    if (sheet && !zip.contains(*sheet)) sheet.reset();
  }
  if (!sheet && zip.contains(default_sheet)) sheet = std::string(default_sheet);
  if (!sheet) {
    parts.error = std::string(invalid_xlsx) + ": it has no worksheet";
    return parts;
  }
  parts.worksheet = std::move(*sheet);

  if (rels.shared_strings_target) {
    auto path = resolve_part(workbook_dir, *rels.shared_strings_target);
    if (path && zip.contains(*path)) parts.shared_strings = std::move(path);
  }
  if (!parts.shared_strings && zip.contains(default_shared_strings)) {
    parts.shared_strings = std::string(default_shared_strings);
  }
  return parts;
}

}  // namespace seatd::importer
