#include "hotline/net/http_types.h"

#include <nlohmann/json.hpp>

namespace hotline::net {

HttpResponse json_error(int status, std::string code, std::string message) {
  nlohmann::json body = {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}};
  HttpResponse response;
  response.status = status;
  // Replace rather than throw on invalid UTF-8: an error path must not fail.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace hotline::net
