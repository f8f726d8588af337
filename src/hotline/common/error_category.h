// What each error category means to the outside: the one place where the
// API's HTTP status, the peer listener's answer and the `hotline` command's
// exit code are chosen for an error (docs/http-api.md, "Errors").
//
//   category                HTTP   exit
//   invalid_input            400     1
//   unauthenticated          401     1
//   forbidden                403     1
//   not_found                404     1
//   conflict                 409     1
//   too_large                413     1
//   unsupported_media_type   415     1
//   unavailable              503     1
//   internal                 500     1   (the API answers without the message)
//   usage                    400     2
#pragma once

#include <string_view>

#include "hotline/common/error.h"

namespace hotline {

// The HTTP status of an error of this category, on the operators' API and
// on the peer listener alike.
int http_status(ErrorCategory category);

// The `hotline` command's exit code: 2 for wrong usage, 1 for every other
// refused or failed action (0 is success).
int exit_code(ErrorCategory category);

// The category of an HTTP error status a client received (the reverse of
// http_status; 400 reads as invalid_input, any other unlisted 4xx as
// invalid_input, any unlisted 5xx as internal).
ErrorCategory category_for_status(int status);

// "invalid_input", "not_found", ...: for logs and tests.
std::string_view category_name(ErrorCategory category);

}  // namespace hotline
