#pragma once
// A hardened, push-style expat parser. Chunks go in as they come out of the zip, so a sheet is
// never held whole in memory, and any DTD is refused outright: an .xlsx part never needs one,
// and internal entities are how "billion laughs" blows up a parser.
#include <expat.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace seatd::importer {

// Receives events with namespace prefixes stripped ("x:row" and "row" are both "row"): some
// writers prefix the SpreadsheetML namespace, and the local name is what identifies an element.
class xml_handler {
 public:
  virtual ~xml_handler() = default;
  // attrs: expat's null-terminated name/value array; read it with attribute().
  virtual void start(std::string_view name, const XML_Char** attrs) = 0;
  virtual void end(std::string_view name) = 0;
  // Character data, possibly split across several calls.
  virtual void text(std::string_view s) = 0;

  // Called by a handler to abandon the document with an error (too many rows, a bad cell).
  void fail(std::string message) {
    if (!failure_) failure_ = std::move(message);
  }
  const std::optional<std::string>& failure() const { return failure_; }

  // The value of the attribute with this local name, if present.
  static std::optional<std::string_view> attribute(const XML_Char** attrs, std::string_view name);

 private:
  std::optional<std::string> failure_;
};

class xml_stream {
 public:
  // Throws std::bad_alloc if expat cannot allocate a parser.
  explicit xml_stream(xml_handler& handler);

  // False once the document is malformed or the handler failed; error() then says why.
  bool feed(std::string_view chunk);
  // Signals end of input; false if the document is incomplete or malformed.
  bool finish();
  const std::string& error() const { return error_; }

 private:
  struct parser_free {
    void operator()(XML_Parser p) const { XML_ParserFree(p); }
  };

  bool parse(std::string_view chunk, bool is_final);

  static void on_start(void* self, const XML_Char* name, const XML_Char** attrs);
  static void on_end(void* self, const XML_Char* name);
  static void on_text(void* self, const XML_Char* s, int len);
  static void on_doctype(void* self, const XML_Char* name, const XML_Char* sysid,
                         const XML_Char* pubid, int has_internal_subset);
  static void on_entity_decl(void* self, const XML_Char* name, int is_parameter_entity,
                             const XML_Char* value, int value_length, const XML_Char* base,
                             const XML_Char* system_id, const XML_Char* public_id,
                             const XML_Char* notation_name);

  // Runs a handler callback; any failure (including an exception, which must not unwind
  // through expat's C frames) stops the parser.
  template <class F>
  void dispatch(F&& f);

  xml_handler& handler_;
  std::unique_ptr<XML_ParserStruct, parser_free> parser_;
  std::string error_;
};

}  // namespace seatd::importer
