#include "importer/xml_stream.hpp"

#include <algorithm>
#include <exception>
#include <new>

namespace seatd::importer {
namespace {

// Expat joins namespace URI and local name with this separator. A space cannot occur in
// either, so the local name is whatever follows the last one.
constexpr XML_Char ns_separator = ' ';

std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  const auto pos = n.rfind(ns_separator);
  return pos == std::string_view::npos ? n : n.substr(pos + 1);
}

}  // namespace

std::optional<std::string_view> xml_handler::attribute(const XML_Char** attrs,
                                                       std::string_view name) {
  for (const XML_Char** a = attrs; a != nullptr && a[0] != nullptr; a += 2) {
    if (local_name(a[0]) == name) return std::string_view(a[1]);
  }
  return std::nullopt;
}

xml_stream::xml_stream(xml_handler& handler)
    : handler_(handler), parser_(XML_ParserCreateNS(nullptr, ns_separator)) {
  if (!parser_) throw std::bad_alloc();
  XML_Parser p = parser_.get();
  XML_SetUserData(p, this);
  XML_SetElementHandler(p, &xml_stream::on_start, &xml_stream::on_end);
  XML_SetCharacterDataHandler(p, &xml_stream::on_text);
  XML_SetStartDoctypeDeclHandler(p, &xml_stream::on_doctype);
  // Belt and braces: the DOCTYPE handler already stops the parser before any declaration, but
  // an entity declaration must never be accepted whatever the path to it.
  XML_SetEntityDeclHandler(p, &xml_stream::on_entity_decl);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
}

template <class F>
void xml_stream::dispatch(F&& f) {
  // After a stop expat may still deliver a few buffered events; they are ignored.
  if (handler_.failure()) return;
  try {
    f();
  } catch (const std::bad_alloc&) {
    handler_.fail("out of memory while reading the file");
  } catch (const std::exception& e) {
    handler_.fail(e.what());
  } catch (...) {
    handler_.fail("unexpected error while reading the file");
  }
  if (handler_.failure()) XML_StopParser(parser_.get(), XML_FALSE);
}

void xml_stream::on_start(void* self, const XML_Char* name, const XML_Char** attrs) {
  auto* s = static_cast<xml_stream*>(self);
  s->dispatch([&] { s->handler_.start(local_name(name), attrs); });
}

void xml_stream::on_end(void* self, const XML_Char* name) {
  auto* s = static_cast<xml_stream*>(self);
  s->dispatch([&] { s->handler_.end(local_name(name)); });
}

void xml_stream::on_text(void* self, const XML_Char* text, int len) {
  auto* s = static_cast<xml_stream*>(self);
  s->dispatch([&] { s->handler_.text(std::string_view(text, static_cast<std::size_t>(len))); });
}

void xml_stream::on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* s = static_cast<xml_stream*>(self);
  s->dispatch([&] { s->handler_.fail("a DOCTYPE declaration is not allowed"); });
}

void xml_stream::on_entity_decl(void* self, const XML_Char*, int, const XML_Char*, int,
                                const XML_Char*, const XML_Char*, const XML_Char*,
                                const XML_Char*) {
  auto* s = static_cast<xml_stream*>(self);
  s->dispatch([&] { s->handler_.fail("an entity declaration is not allowed"); });
}

bool xml_stream::parse(std::string_view chunk, bool is_final) {
  if (!error_.empty()) return false;
  // XML_Parse takes an int length; keep each call well inside it.
  constexpr std::size_t max_piece = 1u << 20;
  do {
    const std::size_t n = std::min(chunk.size(), max_piece);
    const bool last = is_final && n == chunk.size();
    const XML_Status st =
        XML_Parse(parser_.get(), chunk.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE);
    if (handler_.failure()) {
      error_ = *handler_.failure();
      return false;
    }
    if (st != XML_STATUS_OK) {
      error_ = "malformed XML at line " + std::to_string(XML_GetCurrentLineNumber(parser_.get())) +
               ": " + XML_ErrorString(XML_GetErrorCode(parser_.get()));
      return false;
    }
    chunk.remove_prefix(n);
  } while (!chunk.empty());
  return true;
}

bool xml_stream::feed(std::string_view chunk) {
  if (chunk.empty()) return error_.empty();
  return parse(chunk, false);
}

bool xml_stream::finish() { return parse({}, true); }

}  // namespace seatd::importer
