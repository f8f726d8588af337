// HttpsServer implementation. This is one of the two translation units that
// instantiate Boost.Beast (with https_client.cpp); keep it that way, since
// each costs over a minute and gigabytes to compile.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "hotline/api/https_server.h"

#include <openssl/ssl.h>

#include <spdlog/spdlog.h>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

// Asio's ssl::context takes over one reference to the SSL_CTX; the
// tls::Context keeps its own, so the policy ex_data stays valid either way.
SSL_CTX* shared_native(const tls::Context& ctx) {
  if (!ctx) throw Error("tls_config_invalid", "HttpsServer needs a TLS context");
  SSL_CTX_up_ref(ctx.native());
  return ctx.native();
}

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

std::string lower(beast::string_view s) {
  std::string out(s.data(), s.size());
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The peer closed, the link dropped, we timed out or cancelled: not worth
// answering, and not worth more than a debug log line.
bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == net::error::eof || ec == ssl::error::stream_truncated ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::operation_aborted || ec == beast::error::timeout;
}

}  // namespace

// A connection as seen by stop(): the executor (a strand) that owns it and,
// while the session runs, its stream. Both fields are only touched on that
// strand, so stop() posts to it rather than locking.
struct ConnectionEntry {
  net::any_io_executor executor;
  Stream* stream = nullptr;
  bool busy = false;  // a request is being handled or answered
};

struct HttpsServer::Impl {
  Impl(tls::Context context, ServerOptions opts, Handler h)
      : tls(std::move(context)),
        asio_tls(shared_native(tls)),
        options(std::move(opts)),
        handler(std::move(h)),
        acceptor(net::make_strand(ioc)) {}

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  HttpResponse call_handler(HttpRequest& request);

  // Closing a connection after an error reply: half-close, then read and
  // discard what the client is still sending (bounded), so the kernel does
  // not answer unread data with a reset that could destroy our reply before
  // the client reads it.
  net::awaitable<void> linger_close(Stream& stream);

  tls::Context tls;
  ssl::context asio_tls;
  ServerOptions options;
  Handler handler;

  mutable std::mutex mu;
  std::condition_variable all_closed;
  std::map<std::uint64_t, std::shared_ptr<ConnectionEntry>> connections;
  std::uint64_t next_id = 0;
  bool started = false;
  bool stopped = false;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<std::uint64_t> accepted{0}, handshake_failures{0}, requests{0};

  // Declared last: destroyed first, so coroutine frames still queued in the
  // io_context are destroyed while the members above exist.
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
};

net::awaitable<void> HttpsServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    // Each connection gets its own strand: its coroutine runs on one thread
    // at a time while the pool serves many connections.
    tcp::socket socket(net::make_strand(ioc));
    co_await acceptor.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
    if (stopping || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // Usually out of file descriptors; back off instead of spinning.
      spdlog::warn("event=accept_failed listener={} error=\"{}\"", options.name, ec.message());
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    ++accepted;
    // Small request/response exchanges: Nagle's algorithm would hold a
    // reply's last segment back for up to 40 ms waiting for an ACK.
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    net::co_spawn(executor, session(std::move(socket)), net::detached);
  }
}

HttpResponse HttpsServer::Impl::call_handler(HttpRequest& request) {
  try {
    return handler(request);
  } catch (const Error& e) {
    spdlog::error("event=handler_failed listener={} method={} target=\"{}\" code={} error=\"{}\"",
                  options.name, request.method, request.target, e.code(), e.what());
    return json_error(500, e.code(), e.what());
  } catch (const std::exception& e) {
    spdlog::error("event=handler_failed listener={} method={} target=\"{}\" error=\"{}\"",
                  options.name, request.method, request.target, e.what());
    return json_error(500, "internal_error", "internal error; the server log has details");
  }
}

net::awaitable<void> HttpsServer::Impl::linger_close(Stream& stream) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code ec;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
  tcp_layer.expires_after(std::chrono::seconds(1));
  std::size_t drained = 0;
  std::array<char, 16 * 1024> sink;  // contents never looked at
  while (!ec && drained < 4 * 1024 * 1024) {
    drained += co_await tcp_layer.async_read_some(net::buffer(sink),
                                                  net::redirect_error(net::use_awaitable, ec));
  }
  tcp_layer.close();
}

net::awaitable<void> HttpsServer::Impl::session(tcp::socket socket) {
  auto entry = std::make_shared<ConnectionEntry>();
  entry->executor = socket.get_executor();
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mu);
    id = next_id++;
    connections.emplace(id, entry);
  }
  // Leaving the session, however it ends: deregister, wake stop().
  struct Deregister {
    Impl* impl;
    std::uint64_t id;
    std::shared_ptr<ConnectionEntry> entry;
    ~Deregister() {
      entry->stream = nullptr;
      std::lock_guard lock(impl->mu);
      impl->connections.erase(id);
      if (impl->connections.empty()) impl->all_closed.notify_all();
    }
  } deregister{this, id, entry};

  const std::string remote = endpoint_text(socket);
  Stream stream(std::move(socket), asio_tls);
  entry->stream = &stream;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const ServerLimits& limits = options.limits;
  beast::error_code ec;

  try {
    if (stopping) co_return;  // stop() began before we registered

    tcp_layer.expires_after(limits.handshake_timeout);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec == net::error::operation_aborted) co_return;  // stop() closed it
      ++handshake_failures;
      std::string detail = tls::verify_failure(stream.native_handle());
      spdlog::warn("event=tls_handshake_failed listener={} remote={} error=\"{}\"{}", options.name,
                   remote, ec.message(), detail.empty() ? "" : " detail=\"" + detail + "\"");
      co_return;
    }
    const auto peer_key = tls::peer_ed25519_key(stream.native_handle());

    beast::flat_buffer buffer;
    for (;;) {
      if (stopping) break;
      http::request_parser<http::string_body> parser;
      parser.body_limit(limits.max_body_bytes);
      parser.header_limit(limits.max_header_bytes);

      tcp_layer.expires_after(limits.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser,
                                       net::redirect_error(net::use_awaitable, ec));
      if (!ec && !parser.is_done() &&
          beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        tcp_layer.expires_after(limits.write_timeout);
        co_await http::async_write(stream, go_on, net::redirect_error(net::use_awaitable, ec));
      }
      if (!ec && !parser.is_done()) {
        tcp_layer.expires_after(limits.idle_timeout);
        co_await http::async_read(stream, buffer, parser,
                                  net::redirect_error(net::use_awaitable, ec));
      }
      if (ec) {
        if (is_disconnect(ec)) {
          spdlog::debug("event=connection_closed listener={} remote={} reason=\"{}\"", options.name,
                        remote, ec.message());
          co_return;
        }
        // Reply to what can be answered, then close: after a framing error
        // the byte stream cannot be trusted to find the next request.
        HttpResponse reply;
        if (ec == http::error::body_limit) {
          reply = json_error(
              413, "payload_too_large",
              "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
        } else if (ec == http::error::header_limit) {
          reply = json_error(
              431, "headers_too_large",
              "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
        } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
          reply = json_error(400, "bad_request", "malformed HTTP request: " + ec.message());
        } else {
          spdlog::info("event=connection_failed listener={} remote={} error=\"{}\"", options.name,
                       remote, ec.message());
          co_return;
        }
        spdlog::info("event=request_refused listener={} remote={} status={} error=\"{}\"",
                     options.name, remote, reply.status, ec.message());
        http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
        res.set(http::field::content_type, reply.content_type);
        res.body() = std::move(reply.body);
        res.keep_alive(false);
        res.prepare_payload();
        tcp_layer.expires_after(limits.write_timeout);
        co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
        if (!ec) co_await linger_close(stream);
        co_return;
      }

      entry->busy = true;
      ++requests;
      auto started_at = std::chrono::steady_clock::now();
      http::request<http::string_body> req = parser.release();
      HttpRequest request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      for (const auto& field : req) {
        auto [it, fresh] =
            request.headers.emplace(lower(field.name_string()), std::string(field.value()));
        if (!fresh) it->second.append(", ").append(std::string(field.value()));
      }
      request.body = std::move(req.body());
      request.peer_key = peer_key;
      request.remote_address = remote;

      HttpResponse reply = call_handler(request);
      if (reply.status < 100 || reply.status > 599) {
        spdlog::error("event=handler_failed listener={} target=\"{}\" error=\"bad status {}\"",
                      options.name, request.target, reply.status);
        reply = json_error(500, "internal_error", "handler returned an invalid status");
      }

      const bool keep_alive = req.keep_alive() && !stopping;
      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::server, "hotline");
      if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
      for (const auto& [name, value] : reply.headers) res.set(name, value);
      res.keep_alive(keep_alive);
      if (req.method() == http::verb::head) {
        res.content_length(reply.body.size());  // the length a GET would have, no body
      } else {
        res.body() = std::move(reply.body);
        res.prepare_payload();
      }
      tcp_layer.expires_after(limits.write_timeout);
      co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      entry->busy = false;
      spdlog::debug("event=request listener={} remote={} method={} target=\"{}\" status={} us={}",
                    options.name, remote, request.method, request.target, reply.status,
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started_at)
                        .count());
      if (ec) co_return;
      if (!keep_alive) break;
    }

    // Orderly close: send close_notify; wait briefly for the client's (an
    // idle client will not answer, so while stopping hardly at all).
    tcp_layer.expires_after(stopping ? std::chrono::milliseconds(100) : std::chrono::seconds(1));
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  } catch (const std::exception& e) {
    spdlog::error("event=connection_failed listener={} remote={} error=\"{}\"", options.name,
                  remote, e.what());
  }
}

HttpsServer::HttpsServer(tls::Context tls, ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(tls), std::move(options), std::move(handler))) {}

HttpsServer::~HttpsServer() {
  stop();
}

void HttpsServer::start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.started) return;
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.bind_address, ec);
  if (ec) {
    throw Error("listen_failed",
                "cannot listen on '" + s.options.bind_address + "': not an IP address");
  }
  tcp::endpoint endpoint(address, s.options.port);
  auto where = s.options.bind_address + ":" + std::to_string(s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    throw Error("listen_failed",
                "cannot listen on " + where + " for " + s.options.name + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  net::co_spawn(s.acceptor.get_executor(), s.accept_loop(), net::detached);
  int n = std::max(1, s.options.threads);
  for (int i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  s.started = true;
}

void HttpsServer::stop() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping = true;

  net::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
  });
  for (auto& [id, entry] : s.connections) {
    net::post(entry->executor, [entry] {
      // Idle (or handshaking): close now. Busy: the session sees `stopping`
      // after writing its response and closes then.
      if (entry->stream && !entry->busy) beast::get_lowest_layer(*entry->stream).cancel();
    });
  }
  bool drained =
      s.all_closed.wait_for(lock, s.options.stop_timeout, [&s] { return s.connections.empty(); });
  std::size_t left = s.connections.size();
  lock.unlock();
  if (!drained) {
    spdlog::warn("event=stop_timeout listener={} open_connections={}", s.options.name, left);
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

std::uint16_t HttpsServer::port() const {
  return impl_->bound_port;
}

HttpsServer::Stats HttpsServer::stats() const {
  Stats out;
  out.connections_accepted = impl_->accepted;
  out.handshakes_failed = impl_->handshake_failures;
  out.requests = impl_->requests;
  std::lock_guard lock(impl_->mu);
  out.open_connections = impl_->connections.size();
  return out;
}

}  // namespace hotline::api
