// GET /openapi.json and GET /asyncapi.json (public): the API's machine-readable descriptions,
// which /docs (Swagger UI, in the web root) renders. Served as compiled in, byte for byte.
#include "api/api_documents.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace {

net::handler serve(std::string_view (*document)()) {
  return [document](net::request_context&) -> boost::asio::awaitable<net::response> {
    net::response res{net::http::status::ok, 11};
    res.set(net::http::field::content_type, "application/json");
    // Revalidate each time, like the UI's files: a new seatd version shows its new routes.
    res.set(net::http::field::cache_control, "no-cache");
    res.body() = std::string(document());
    res.prepare_payload();
    co_return res;
  };
}

}  // namespace

void add_api_description_routes(net::router& r, services&) {
  r.add(net::http::verb::get, "/openapi.json", serve(openapi_document));
  r.add(net::http::verb::get, "/asyncapi.json", serve(asyncapi_document));
}

}  // namespace seatd::api
