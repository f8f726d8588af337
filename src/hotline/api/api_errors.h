// The API's errors: every failure is JSON {"error":{"code","message"}} with a
// stable lower_snake_case code (the hotline::Error code of the use case that
// refused) and an HTTP status chosen from the code, so that a script can
// branch on the status and a person can read the message.
#pragma once

#include <string>

#include "hotline/common/error.h"
#include "hotline/net/http_types.h"

namespace hotline::api {

// 400 bad input, 401 not signed in, 403 not allowed, 404 unknown, 409 not
// possible in the item's state, 413 too large, 429 too many, 503 busy,
// 500 a fault of this node (the message then only points at the log).
int status_for_code(const std::string& code);

// The response for a use case's Error; logs faults (500) with their detail.
net::HttpResponse error_response(const Error& e, const std::string& method,
                                 const std::string& target);

}  // namespace hotline::api
