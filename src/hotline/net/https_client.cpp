// HttpsClient implementation: the second (and last) Boost.Beast translation
// unit. Synchronous on the outside; inside, each step is an asynchronous
// operation on a private io_context run to completion, because only the
// asynchronous operations of beast::tcp_stream have timeouts.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "hotline/net/https_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

#include "hotline/common/error.h"
#include "hotline/net/tls_stream_support.h"

namespace hotline::net {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

// The connection went away under us (as opposed to a timeout or a refusal).
bool is_dropped(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == net::error::eof || ec == ssl::error::stream_truncated ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted;
}

}  // namespace

struct HttpsClient::Impl {
  Impl(tls::Context context, std::string h, std::uint16_t p, ClientOptions o)
      : tls(std::move(context)),
        asio_tls(shared_native(tls, "HttpsClient")),
        host(std::move(h)),
        port(p),
        options(o),
        where(host + ":" + std::to_string(port)) {}

  // Runs one asynchronous operation to completion on our io_context. The
  // tcp_stream's expiry guarantees it completes.
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void connect();
  [[noreturn]] void fail(const beast::error_code& ec, const std::string& doing);

  tls::Context tls;
  ssl::context asio_tls;
  std::string host;
  std::uint16_t port;
  ClientOptions options;
  std::string where;

  net::io_context ioc;
  std::unique_ptr<Stream> stream;
  beast::flat_buffer buffer;
  std::uint64_t opened = 0;
};

void HttpsClient::Impl::fail(const beast::error_code& ec, const std::string& doing) {
  // Read what our certificate check said before the stream goes away.
  std::string refusal = stream ? tls::verify_failure(stream->native_handle()) : std::string();
  stream.reset();
  buffer.clear();
  if (!refusal.empty()) {
    throw Error(ErrorCategory::internal, "tls_refused",
                "refused the TLS session with " + where + ": " + refusal);
  }
  if (ec == beast::error::timeout) {
    auto limit = doing == "reading the response" ? options.read_timeout : options.connect_timeout;
    throw Error(ErrorCategory::unavailable, "link_timeout",
                doing + " " + where + " timed out after " + ms(limit));
  }
  if (ec.category() == net::error::get_ssl_category()) {
    throw Error(ErrorCategory::internal, "tls_refused",
                "TLS with " + where + " failed while " + doing + ": " + ec.message() +
                    " (check both sides' pinned keys)");
  }
  if (is_dropped(ec)) {
    throw Error(ErrorCategory::invalid_input, "link_broken",
                where + " closed the connection while " + doing);
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    throw Error(ErrorCategory::invalid_input, "link_protocol_error",
                "invalid HTTP response from " + where + ": " + ec.message());
  }
  throw Error(ErrorCategory::invalid_input, "link_broken",
              doing + " " + where + " failed: " + ec.message());
}

void HttpsClient::Impl::connect() {
  stream.reset();
  buffer.clear();

  std::vector<tcp::endpoint> endpoints;
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (!ec) {
    endpoints.emplace_back(address, port);
  } else {
    // A configured peer name; getaddrinfo has its own timeouts, and an async
    // resolve could not be abandoned any sooner.
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec)
      throw Error(ErrorCategory::unavailable, "link_unreachable",
                  "cannot resolve " + host + ": " + ec.message());
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }

  stream = std::make_unique<Stream>(ioc, asio_tls);
  tls::prepare_client_connection(tls, stream->native_handle(), host);
  auto& tcp_layer = beast::get_lowest_layer(*stream);

  tcp_layer.expires_after(options.connect_timeout);
  ec = run([&](auto handler) { tcp_layer.async_connect(endpoints, std::move(handler)); });
  if (ec == beast::error::timeout) {
    stream.reset();
    throw Error(ErrorCategory::unavailable, "link_timeout",
                "connecting to " + where + " timed out after " + ms(options.connect_timeout));
  }
  if (ec) {
    stream.reset();
    throw Error(ErrorCategory::unavailable, "link_unreachable",
                "cannot connect to " + where + ": " + ec.message());
  }
  // No Nagle delay on small requests (see https_server.cpp).
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);

  tcp_layer.expires_after(options.connect_timeout);
  ec = run(
      [&](auto handler) { stream->async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (ec) fail(ec, "the TLS handshake with");
  ++opened;
}

HttpsClient::HttpsClient(ClientTlsConfig config, std::string host, std::uint16_t port,
                         ClientOptions options)
    : HttpsClient(tls::client_context(config), std::move(host), port, options) {}

HttpsClient::HttpsClient(tls::Context context, std::string host, std::uint16_t port,
                         ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(context), std::move(host), port, options)) {}

HttpsClient::~HttpsClient() = default;

HttpResponse HttpsClient::request(const HttpRequest& request) {
  Impl& c = *impl_;
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(request.target);
  req.version(11);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (req.find(http::field::host) == req.end()) req.set(http::field::host, c.where);
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = c.stream != nullptr;
    if (!reused) c.connect();
    auto& tcp_layer = beast::get_lowest_layer(*c.stream);

    tcp_layer.expires_after(c.options.read_timeout);
    beast::error_code ec =
        c.run([&](auto handler) { http::async_write(*c.stream, req, std::move(handler)); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(c.options.max_response_bytes);
    if (verb == http::verb::head) parser.skip(true);  // the reply has a length, no body
    bool got_some = false;
    if (!ec) {
      ec = c.run(
          [&](auto handler) { http::async_read(*c.stream, c.buffer, parser, std::move(handler)); });
      got_some = parser.got_some();
    }
    if (ec) {
      // A kept-alive connection the server closed while idle: try once more
      // on a fresh one, but only if nothing of a response arrived.
      if (reused && attempt == 0 && !got_some && is_dropped(ec)) {
        c.stream.reset();
        c.buffer.clear();
        continue;
      }
      if (ec == http::error::body_limit) {
        c.stream.reset();
        throw Error(ErrorCategory::invalid_input, "link_protocol_error",
                    "response from " + c.where + " exceeds " +
                        std::to_string(c.options.max_response_bytes) + " bytes");
      }
      c.fail(ec, "reading the response");
    }

    http::response<http::string_body> res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type.clear();
    for (const auto& field : res) {
      auto [it, fresh] =
          out.headers.emplace(lower(field.name_string()), std::string(field.value()));
      if (!fresh) it->second.append(", ").append(std::string(field.value()));
    }
    if (auto it = out.headers.find("content-type"); it != out.headers.end()) {
      out.content_type = it->second;
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) close();
    return out;
  }
}

void HttpsClient::close() {
  // No TLS close_notify round trip: every response is length-delimited, and
  // waiting for the server's answer would only add latency.
  impl_->stream.reset();
  impl_->buffer.clear();
}

bool HttpsClient::connected() const {
  return impl_->stream != nullptr;
}

std::uint64_t HttpsClient::connections_opened() const {
  return impl_->opened;
}

}  // namespace hotline::net
