// hotline::Error: the one exception type that crosses part boundaries.
//
// Every error carries a category, chosen where it is thrown (what kind of
// failure it is: bad input, something unknown, a state that does not allow
// it, a fault of this node, ...), a stable machine code
// ("envelope_bad_signature") that tests, the API and logs match on, and a
// message written for a duty officer. The API's HTTP status, the CLI's exit
// code and the peer listener's answer derive from the category alone, in
// error_category.h; the code is never parsed for them.
#pragma once

#include <stdexcept>
#include <string>

namespace hotline {

enum class ErrorCategory {
  invalid_input,           // the input is malformed or breaks a rule
  unauthenticated,         // no valid sign-in or credential
  forbidden,               // known caller, not allowed to do this
  not_found,               // the thing named does not exist here
  conflict,                // not possible in the current state
  too_large,               // over a size limit
  unsupported_media_type,  // a body in a format not accepted
  unavailable,             // busy or unreachable for now: try again later
  internal,                // a fault of this node (storage, keys, I/O), not of the input
  usage,                   // the command line is wrong (the CLI's own checks)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, std::string code, const std::string& message)
      : std::runtime_error(message), category_(category), code_(std::move(code)) {}

  ErrorCategory category() const noexcept { return category_; }
  // Stable identifier of the kind of error, lower_snake_case.
  const std::string& code() const noexcept { return code_; }

 private:
  ErrorCategory category_;
  std::string code_;
};

}  // namespace hotline
