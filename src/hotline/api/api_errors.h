// The API's errors: every failure is JSON {"error":{"code","message"}} with a
// stable lower_snake_case code (the hotline::Error code of the use case that
// refused) and the HTTP status of the error's category
// (hotline/common/error_category.h), so that a script can branch on the
// status and a person can read the message.
#pragma once

#include <string>

#include "hotline/common/error.h"
#include "hotline/net/http_types.h"

namespace hotline::api {

// The response for a use case's Error. An internal error (a fault of this
// node, 500) is logged with its detail and answered without it.
net::HttpResponse error_response(const Error& e, const std::string& method,
                                 const std::string& target);

}  // namespace hotline::api
