// The operators' HTTP API as the server meets it (api/operator_api.h): the
// bytes are an HTTP/1.1 request, parsed by Boost.Beast's request parser as
// the HTTPS server does (header names lower-cased, repeated ones joined),
// then checked on its header (check_head) and handled (handle) by a real
// OperatorApi on a real node (fuzz_node.h). Unless the input starts with
// '!', an admin's API token is added when the request carries no
// Authorization, so the fuzzer reaches every route's body handling. Any
// answer is fine; an exception out of the API, a crash or a sanitizer
// report is not.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "../fuzz_node.h"
#include "fuzz_target.h"
#include "hotline/api/operator_api.h"
#include "hotline/common/ascii.h"

namespace {

namespace http = boost::beast::http;

std::optional<hotline::net::HttpRequest> parse(std::string_view bytes) {
  http::request_parser<http::string_body> p;
  p.eager(true);
  p.body_limit(1 << 20);
  p.header_limit(16 * 1024);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!ec && !p.is_done() && used < bytes.size()) {
    const std::size_t n = p.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (n == 0 && !ec) break;
    used += n;
  }
  if (!ec && !p.is_done()) p.put_eof(ec);
  if (ec || !p.is_done()) return std::nullopt;
  auto& req = p.get();
  hotline::net::HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    auto [it, fresh] =
        out.headers.emplace(hotline::ascii_lower(std::string_view(field.name_string().data(),
                                                                  field.name_string().size())),
                            std::string(field.value()));
    if (!fresh) it->second.append(", ").append(std::string(field.value()));
  }
  out.body = std::move(req.body());
  out.remote_address = "192.0.2.10:40001";
  return out;
}

hotline::api::OperatorApi& api() {
  static auto* a = [] {
    hotline::api::OperatorApiOptions o;
    o.info = hotline::api::OperatorInfo{"alpha", "0.0.0-fuzz", "", ""};
    o.policy.password_cost = hotline::crypto::kTestPasswordCost;
    o.rate_limits = false;
    return new hotline::api::OperatorApi(*hotline::fuzz::fuzz_node().alpha, o);
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const bool anonymous = !bytes.empty() && bytes.front() == '!';
  if (anonymous) bytes.remove_prefix(1);
  auto req = parse(bytes);
  if (!req) return 0;
  if (!anonymous && !req->headers.count("authorization")) {
    req->headers["authorization"] = "Bearer " + hotline::fuzz::fuzz_node().admin_token;
  }
  hotline::net::HttpRequest head = *req;
  head.body.clear();
  if (api().check_head(head)) return 0;
  auto res = api().handle(*req);
  if (res.status < 100 || res.status > 599) hotline::fuzz::broken("an HTTP status out of range");
  return 0;
}
