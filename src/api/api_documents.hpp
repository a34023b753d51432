#pragma once
// The API's descriptions, compiled into seatd from docs/api/ (cmake/embed_documents.cmake
// writes their definitions at build time): a server answers with the description of the very
// routes it was built with, whatever its web root holds.
#include <string_view>

namespace seatd::api {

std::string_view openapi_document();   // docs/api/openapi.json: every HTTP route (OpenAPI 3.1)
std::string_view asyncapi_document();  // docs/api/asyncapi.json: /ws/seats/{trip_id} (AsyncAPI 3)

}  // namespace seatd::api
