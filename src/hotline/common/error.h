// hotline::Error: the one exception type that crosses part boundaries.
//
// Every error carries a stable machine code ("envelope_bad_signature") that
// tests, the API and logs match on, and a message written for a duty officer.
#pragma once

#include <stdexcept>
#include <string>

namespace hotline {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  // Stable identifier of the kind of error, lower_snake_case.
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace hotline
