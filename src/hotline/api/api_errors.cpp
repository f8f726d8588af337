#include "hotline/api/api_errors.h"

#include <spdlog/spdlog.h>

#include "hotline/common/error_category.h"

namespace hotline::api {

net::HttpResponse error_response(const Error& e, const std::string& method,
                                 const std::string& target) {
  const int status = http_status(e.category());
  if (e.category() == ErrorCategory::internal) {
    spdlog::error("event=api_failed method={} target=\"{}\" code={} error=\"{}\"", method, target,
                  e.code(), e.what());
    return net::json_error(
        status, e.code(),
        "the node could not do this (" + e.code() + "); the server log has details");
  }
  return net::json_error(http_status(e.category()), e.code(), e.what());
}

}  // namespace hotline::api
