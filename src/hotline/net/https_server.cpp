// HttpsServer implementation. This is one of the two translation units that
// instantiate Boost.Beast (with https_client.cpp); keep it that way, since
// each costs over a minute and gigabytes to compile.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "hotline/net/https_server.h"

#include <openssl/ssl.h>
#include <poll.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/common/escape.h"
#include "hotline/common/ip_address.h"
#include "hotline/common/thread_name.h"
#include "hotline/net/source_limiter.h"
#include "hotline/net/tls_stream_support.h"

namespace hotline::net {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

// A request target as the log shows it: the path, escaped, without the
// query string, which may carry what a person wrote (an attachment's file
// name, a search) and so has no place in a log (docs/threat-model.md).
std::string log_target(std::string_view target) {
  const auto query = target.find('?');
  if (query == std::string_view::npos) return escape_text(target);
  return escape_text(target.substr(0, query)) + "?…";
}

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

// The client's address without the port ("" when unknown).
std::string endpoint_address(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

// The peer closed, the link dropped, we timed out or cancelled: not worth
// answering, and not worth more than a debug log line.
bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == net::error::eof || ec == ssl::error::stream_truncated ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::operation_aborted || ec == beast::error::timeout;
}

// Without reading from the connection: has the client closed it (FIN or
// reset)? A streamed response is otherwise only written to, so a client that
// leaves while its stream has nothing to say would go unnoticed until the
// next write. Like Go's net/http, a half-close counts as gone.
bool peer_hung_up(tcp::socket& socket) {
#ifdef POLLRDHUP
  constexpr short kHangup = POLLRDHUP | POLLHUP | POLLERR;
#else
  constexpr short kHangup = POLLHUP | POLLERR;
#endif
  pollfd p{};
  p.fd = socket.native_handle();
  p.events = kHangup;
  return ::poll(&p, 1, 0) > 0 && (p.revents & (kHangup | POLLNVAL)) != 0;
}

// ServerOptions::response_headers, where the response has not set them.
template <class Fields>
void add_listener_headers(Fields& fields,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (fields.find(name) == fields.end()) fields.set(name, value);
  }
}

// Headers of a streamed response (and of its HEAD): the body's end is the
// connection's end, so no length and no chunking, and never cached.
template <class Fields>
void set_stream_headers(Fields& fields) {
  fields.erase(http::field::content_length);
  fields.erase(http::field::transfer_encoding);
  if (fields.find(http::field::cache_control) == fields.end()) {
    fields.set(http::field::cache_control, "no-store");
  }
}

// One of ServerLimits::max_streams, held while a stream is open.
class StreamSlot {
 public:
  StreamSlot() = default;
  explicit StreamSlot(std::atomic<std::size_t>* count) : count_(count) {}
  StreamSlot(StreamSlot&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  StreamSlot& operator=(StreamSlot&& other) noexcept {
    if (this != &other) {
      release();
      count_ = std::exchange(other.count_, nullptr);
    }
    return *this;
  }
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;
  ~StreamSlot() { release(); }
  explicit operator bool() const { return count_ != nullptr; }
  void release() {
    if (count_) count_->fetch_sub(1);
    count_ = nullptr;
  }

 private:
  std::atomic<std::size_t>* count_ = nullptr;
};

}  // namespace

// How a stream's waker (BodyStream::set_waker) reaches its connection: a
// wake sets `woken` and cancels the stream's timer on the connection's
// strand; the loop skips its next wait when it finds `woken` set. `ended`
// (set when the loop ends) turns later wakes into nothing, so no handler
// is posted for a connection that is gone. `timer` is touched on the
// strand only.
struct StreamWake : std::enable_shared_from_this<StreamWake> {
  explicit StreamWake(net::any_io_executor ex) : executor(std::move(ex)) {}
  void wake() {
    std::lock_guard lock(mu);
    if (ended || woken) return;
    woken = true;
    net::post(executor, [self = shared_from_this()] {
      if (self->timer) self->timer->cancel();
    });
  }
  // Whether a wake came since the last call.
  bool take() {
    std::lock_guard lock(mu);
    return std::exchange(woken, false);
  }
  void end() {
    std::lock_guard lock(mu);
    ended = true;
  }
  std::mutex mu;
  bool woken = false;
  bool ended = false;
  net::any_io_executor executor;
  net::steady_timer* timer = nullptr;
};

// A connection as seen by stop(): the executor (a strand) that owns it and,
// while the session runs, its stream. These fields are only touched on that
// strand, so stop() posts to it rather than locking.
struct ConnectionEntry {
  net::any_io_executor executor;
  Stream* stream = nullptr;
  bool busy = false;  // a request is being handled or answered
  // While a streamed response waits for its next poll: cancelling this timer
  // wakes it. A streaming connection is not busy: stop() ends it.
  net::steady_timer* stream_timer = nullptr;
};

struct HttpsServer::Impl {
  Impl(tls::Context context, ServerOptions opts, Handler h)
      : tls(std::move(context)),
        asio_tls(std::make_shared<ssl::context>(shared_native(tls, "HttpsServer"))),
        options(std::move(opts)),
        handler(std::move(h)),
        iocs(make_iocs(options)),
        acceptor(net::make_strand(*iocs[0])) {}

  // One io_context run by every thread, or one per thread
  // (ServerOptions::pin_connections).
  static std::vector<std::unique_ptr<net::io_context>> make_iocs(const ServerOptions& o) {
    std::vector<std::unique_ptr<net::io_context>> v;
    const int threads = std::max(1, o.threads);
    if (!o.pin_connections) {
      v.push_back(std::make_unique<net::io_context>(threads));
      return v;
    }
    for (int i = 0; i < threads; ++i) v.push_back(std::make_unique<net::io_context>(1));
    return v;
  }

  using Parser = http::request_parser<http::string_body>;

  // What a session does after one request and its answer.
  enum class Next {
    read_again,  // keep-alive: read the next request
    close,       // orderly TLS close (close_notify)
    drop,        // close the socket: a write failed, or the exchange cannot go on
  };

  // A connection's place in `connections`, held by its session: taken on
  // construction, given back (waking stop() after the last one) on
  // destruction, however the session ends.
  class Registration {
   public:
    Registration(Impl& impl, std::shared_ptr<ConnectionEntry> entry);
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    Impl& impl_;
    std::shared_ptr<ConnectionEntry> entry_;
    std::uint64_t id_ = 0;
  };

  net::awaitable<void> accept_loop();

  // The coroutine of one connection, on the connection's strand. It owns
  // the TLS stream and its buffer for the connection's whole life; the
  // steps below borrow them for one stage each.
  net::awaitable<void> session(tcp::socket socket);

  // The TLS handshake; false (logged) when it failed or stop() cut it.
  net::awaitable<bool> handshake(Stream& stream, const std::string& remote);

  // One request read, handled and answered.
  net::awaitable<Next> exchange(Stream& stream, ConnectionEntry& entry, beast::flat_buffer& buffer,
                                const std::optional<tls::Ed25519PublicKey>& peer_key,
                                const std::string& remote);

  // Reads one request's header, asks ServerLimits::check_head (an answer
  // there goes to `early`, and nothing more is read), applies the route's
  // body limit, answers "Expect: 100-continue", reads the body.
  // `body_limit` is the limit that applied, for the 413 message.
  net::awaitable<beast::error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                                 Parser& parser, std::size_t& body_limit,
                                                 std::optional<HttpResponse>& early,
                                                 const std::string& remote);

  // ServerLimits::check_head's answer for a request whose body is still to
  // come (nullopt: go on); an exception there is a logged 500.
  std::optional<HttpResponse> check_head(const http::request<http::string_body>& req,
                                         const std::string& remote);

  // One of ServerLimits::max_connections and of its source's share; false
  // when none is free. release_connection() gives it back.
  bool claim_connection(const std::string& source);
  void release_connection(const std::string& source);

  // The handler's reply, on the offload pool when ServerLimits::offload
  // says so (503 server_busy when that is full), else run_handler().
  net::awaitable<HttpResponse> respond(HttpRequest& request);

  // After a failed read: answers what can be answered (413, 431, 400), logs
  // the rest; the connection is then dropped either way.
  net::awaitable<void> refuse_request(Stream& stream, beast::error_code ec, std::size_t body_limit,
                                      const std::string& remote);

  // The handler's view of a request read by Beast (the body is moved out).
  static HttpRequest to_http_request(http::request<http::string_body>& req,
                                     const std::optional<tls::Ed25519PublicKey>& peer_key,
                                     const std::string& remote);
  // The same without the body (for check_head).
  static HttpRequest head_of(const http::request<http::string_body>& req,
                             const std::string& remote);

  // The handler's reply, never an exception and never an invalid status
  // (both become a logged 500).
  HttpResponse call_handler(HttpRequest& request);

  // call_handler() on the handler pool when there is one (bounded per
  // client), else right here on the I/O thread.
  net::awaitable<HttpResponse> run_handler(HttpRequest& request);

  // Whether a new connection from `source` may try a TLS handshake: its
  // failed handshakes leave it a token. A refusal is counted and (paced)
  // logged.
  bool handshake_allowed(const std::string& source, const std::string& remote);

  // Writes a whole (not streamed) reply; for HEAD, the headers a GET would
  // have. `streamed`: the reply was a stream, only possible here for HEAD
  // (or after a stream was refused, then it is a 503 with a body).
  net::awaitable<beast::error_code> send_reply(Stream& stream,
                                               const http::request<http::string_body>& req,
                                               HttpResponse reply, bool keep_alive, bool streamed);

  // A free slot under ServerLimits::max_streams, or an empty one.
  StreamSlot acquire_stream_slot();

  // Sends a streamed response (HttpResponse::stream) until it ends. Returns
  // true when the connection is still fit for an orderly TLS close, false
  // when a write failed (client gone, write timeout, stop() cancelled it).
  net::awaitable<bool> send_stream(Stream& stream, ConnectionEntry& entry, unsigned version,
                                   HttpResponse reply, StreamSlot slot, const std::string& remote,
                                   const std::string& target);

  // A streamed response's status line and headers, then the handler's
  // first bytes if any (counted in `bytes`).
  net::awaitable<beast::error_code> send_stream_head(Stream& stream, unsigned version,
                                                     const HttpResponse& reply,
                                                     std::uint64_t& bytes);

  // The stream's next chunk (nullopt: it ended); false, logged, when the
  // handler's stream threw.
  bool next_chunk(BodyStream& source, std::optional<std::string>& chunk, const std::string& remote,
                  const std::string& target);

  // Closing a connection after an error reply: half-close, then read and
  // discard what the client is still sending (bounded), so the kernel does
  // not answer unread data with a reset that could destroy our reply before
  // the client reads it.
  net::awaitable<void> linger_close(Stream& stream, std::size_t max_drain = 4 * 1024 * 1024);

  tls::Context tls;
  // The context of new connections; replace_tls() swaps it. The earlier
  // ones are kept until the server ends: connections made from them may
  // still be running (renewals are rare, each costs one small context).
  std::mutex tls_mu;
  std::shared_ptr<ssl::context> asio_tls;
  std::vector<std::pair<tls::Context, std::shared_ptr<ssl::context>>> retired_tls;

  std::shared_ptr<ssl::context> current_tls() {
    std::lock_guard lock(tls_mu);
    return asio_tls;
  }
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
  std::atomic<std::size_t> open_streams{0};
  std::atomic<std::uint64_t> handshakes_refused{0};
  SourceLimiter handshake_limiter{options.limits.failed_handshakes_per_second,
                                  options.limits.failed_handshake_burst};
  LogPacer handshake_failed_log{std::chrono::seconds(10)};
  LogPacer handshake_refused_log{std::chrono::seconds(10)};
  std::mutex handlers_mu;
  std::map<std::string, std::size_t> handlers_per_client;  // requests in the pool, per client
  std::atomic<std::uint64_t> connections_refused{0}, offload_refused{0};
  std::atomic<std::size_t> offload_pending{0};  // running or queued on offload_pool

  std::mutex sources_mu;  // guards the two below
  std::size_t open_total = 0;
  std::map<std::string, std::size_t> open_per_source;  // only sources with open connections

  // Declared before `iocs`: destroyed after them. Joined by stop().
  std::unique_ptr<net::thread_pool> offload_pool;

  // Declared last: destroyed first, so coroutine frames still queued in the
  // io_context are destroyed while the members above exist.
  std::vector<std::unique_ptr<net::io_context>> iocs;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::size_t next_ioc = 0;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  // Declared after the io_contexts: destroyed before them (stop() has
  // joined it by then).
  std::unique_ptr<net::thread_pool> handler_pool;
};

net::awaitable<void> HttpsServer::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    // Each connection gets its own strand: its coroutine runs on one thread
    // at a time while the pool serves many connections.
    // Connections are dealt to the io_contexts in turn.
    tcp::socket socket(net::make_strand(*iocs[next_ioc++ % iocs.size()]));
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
    HttpResponse reply = handler(request);
    if (reply.status < 100 || reply.status > 599) {
      spdlog::error("event=handler_failed listener={} target=\"{}\" error=\"bad status {}\"",
                    options.name, log_target(request.target), reply.status);
      return json_error(500, "internal_error", "handler returned an invalid status");
    }
    return reply;
  } catch (const Error& e) {
    spdlog::error("event=handler_failed listener={} method={} target=\"{}\" code={} error=\"{}\"",
                  options.name, escape_text(request.method), log_target(request.target),
                  escape_text(e.code()), escape_text(e.what()));
    // An Error the handler did not answer itself (the operators' API and
    // the peer routes answer theirs by category) is a fault here: 500, its
    // stable code, and no internal detail (paths, SQL) for the client.
    return json_error(http_status(ErrorCategory::internal), e.code(),
                      "internal error; the server log has details");
  } catch (const std::exception& e) {
    spdlog::error("event=handler_failed listener={} method={} target=\"{}\" error=\"{}\"",
                  options.name, escape_text(request.method), log_target(request.target),
                  escape_text(e.what()));
    return json_error(500, "internal_error", "internal error; the server log has details");
  }
}

net::awaitable<HttpResponse> HttpsServer::Impl::run_handler(HttpRequest& request) {
  if (!handler_pool) co_return call_handler(request);
  const std::string client =
      request.peer_key ? std::string(request.peer_key->begin(), request.peer_key->end())
                       : request.remote_address.substr(0, request.remote_address.rfind(':'));
  {
    std::lock_guard lock(handlers_mu);
    auto& n = handlers_per_client[client];
    if (options.max_handlers_per_client > 0 && n >= options.max_handlers_per_client) {
      if (n == 0) handlers_per_client.erase(client);
      co_return json_error(503, "busy",
                           "too many requests of this client in progress; try again shortly");
    }
    ++n;
  }
  struct Release {
    Impl& s;
    const std::string& client;
    ~Release() {
      std::lock_guard lock(s.handlers_mu);
      if (--s.handlers_per_client[client] == 0) s.handlers_per_client.erase(client);
    }
  } release{*this, client};
  co_return co_await net::co_spawn(
      handler_pool->get_executor(),
      [this, &request]() -> net::awaitable<HttpResponse> { co_return call_handler(request); },
      net::use_awaitable);
}

bool HttpsServer::Impl::handshake_allowed(const std::string& source, const std::string& remote) {
  if (handshake_limiter.allowed(source, SourceLimiter::Clock::now())) return true;
  ++handshakes_refused;
  std::uint64_t more = 0;
  if (handshake_refused_log.due(std::chrono::steady_clock::now(), more)) {
    spdlog::warn(
        "event=tls_handshake_refused listener={} remote={} "
        "reason=\"too many failed handshakes from this source\" refused_since_last_line={}",
        options.name, remote, more);
  }
  return false;
}

StreamSlot HttpsServer::Impl::acquire_stream_slot() {
  if (open_streams.fetch_add(1) >= options.limits.max_streams) {
    open_streams.fetch_sub(1);
    return StreamSlot();
  }
  return StreamSlot(&open_streams);
}

net::awaitable<beast::error_code> HttpsServer::Impl::send_stream_head(Stream& stream,
                                                                      unsigned version,
                                                                      const HttpResponse& reply,
                                                                      std::uint64_t& bytes) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code ec;
  http::response<http::empty_body> head{static_cast<http::status>(reply.status), version};
  head.set(http::field::server, "hotline");
  if (!reply.content_type.empty()) head.set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) head.set(name, value);
  add_listener_headers(head, options.response_headers);
  set_stream_headers(head);
  head.set(http::field::connection, "close");
  http::response_serializer<http::empty_body> serializer{head};
  tcp_layer.expires_after(options.limits.write_timeout);
  co_await http::async_write_header(stream, serializer,
                                    net::redirect_error(net::use_awaitable, ec));
  if (!ec && !reply.body.empty()) {
    tcp_layer.expires_after(options.limits.write_timeout);
    bytes += co_await net::async_write(stream, net::buffer(reply.body),
                                       net::redirect_error(net::use_awaitable, ec));
  }
  co_return ec;
}

bool HttpsServer::Impl::next_chunk(BodyStream& source, std::optional<std::string>& chunk,
                                   const std::string& remote, const std::string& target) {
  try {
    chunk = source.next();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("event=stream_failed listener={} remote={} target=\"{}\" error=\"{}\"",
                  options.name, remote, log_target(target), escape_text(e.what()));
  } catch (...) {
    spdlog::error("event=stream_failed listener={} remote={} target=\"{}\" error=\"unknown\"",
                  options.name, remote, log_target(target));
  }
  return false;
}

net::awaitable<bool> HttpsServer::Impl::send_stream(Stream& stream, ConnectionEntry& entry,
                                                    unsigned version, HttpResponse reply,
                                                    StreamSlot slot, const std::string& remote,
                                                    const std::string& target) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const ServerLimits& limits = options.limits;
  const auto started_at = std::chrono::steady_clock::now();
  const auto interval = std::max(reply.stream->poll_interval, std::chrono::milliseconds(1));
  beast::error_code ec;
  std::uint64_t bytes = 0;
  const char* reason = "done";
  bool client_gone = false;

  ec = co_await send_stream_head(stream, version, reply, bytes);

  // From here stop() may end the connection at any time: not busy.
  net::steady_timer timer(stream.get_executor());
  entry.stream_timer = &timer;
  entry.busy = false;
  auto wake = std::make_shared<StreamWake>(stream.get_executor());
  wake->timer = &timer;
  struct ClearTimer {
    ConnectionEntry& owner;
    StreamWake& wake;
    ~ClearTimer() {
      owner.stream_timer = nullptr;
      wake.timer = nullptr;
      wake.end();
    }
  } clear_timer{entry, *wake};
  reply.stream->set_waker([wake] { wake->wake(); });

  while (!ec) {
    if (stopping) {
      reason = "server_stopping";
      break;
    }
    if (!wake->take()) {  // no news since the last next(): wait for some, or the interval
      timer.expires_after(interval);
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      ec = {};  // cancelled by stop() (seen just below) or by a wake
      wake->take();
    }
    if (stopping) {
      reason = "server_stopping";
      break;
    }
    if (peer_hung_up(tcp_layer.socket())) {
      reason = "client_gone";
      client_gone = true;
      break;
    }
    std::optional<std::string> chunk;
    if (!next_chunk(*reply.stream, chunk, remote, target)) {
      reason = "stream_failed";
      break;
    }
    if (!chunk) break;
    if (chunk->empty()) continue;
    tcp_layer.expires_after(limits.write_timeout);
    bytes += co_await net::async_write(stream, net::buffer(*chunk),
                                       net::redirect_error(net::use_awaitable, ec));
  }
  if (ec) reason = ec == beast::error::timeout ? "write_timeout" : "write_failed";
  slot.release();
  spdlog::debug(
      "event=stream_ended listener={} remote={} target=\"{}\" status={} reason={} bytes={} ms={}",
      options.name, remote, target, reply.status, reason, bytes,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                            started_at)
          .count());
  if (ec && !is_disconnect(ec)) {
    spdlog::info("event=stream_write_failed listener={} remote={} target=\"{}\" error=\"{}\"",
                 options.name, remote, target, ec.message());
  }
  // After a failed write the TLS state is unknown; a client that hung up
  // will not answer close_notify. Either way: just close.
  co_return !ec && !client_gone;
}

net::awaitable<void> HttpsServer::Impl::linger_close(Stream& stream, std::size_t max_drain) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code ec;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
  tcp_layer.expires_after(std::chrono::seconds(1));
  std::size_t drained = 0;
  std::array<char, 16 * 1024> sink;  // contents never looked at
  while (!ec && drained < max_drain) {
    drained += co_await tcp_layer.async_read_some(net::buffer(sink),
                                                  net::redirect_error(net::use_awaitable, ec));
  }
  tcp_layer.close();
}

bool HttpsServer::Impl::claim_connection(const std::string& source) {
  const ServerLimits& l = options.limits;
  std::lock_guard lock(sources_mu);
  auto it = open_per_source.find(source);
  const std::size_t mine = it == open_per_source.end() ? 0 : it->second;
  if ((l.max_connections && open_total >= l.max_connections) ||
      (l.max_connections_per_source && mine >= l.max_connections_per_source)) {
    return false;
  }
  ++open_per_source[source];
  ++open_total;
  return true;
}

void HttpsServer::Impl::release_connection(const std::string& source) {
  std::lock_guard lock(sources_mu);
  auto it = open_per_source.find(source);
  if (it != open_per_source.end() && --it->second == 0) open_per_source.erase(it);
  --open_total;
}

net::awaitable<void> HttpsServer::Impl::session(tcp::socket socket) {
  // Over the caps: closed before any TLS work (the socket goes with us).
  const std::string source = source_key(endpoint_address(socket));
  if (!claim_connection(source)) {
    ++connections_refused;
    spdlog::debug("event=connection_refused listener={} source={}", options.name, source);
    co_return;
  }
  struct Release {
    Impl& impl;
    const std::string& source;
    ~Release() { impl.release_connection(source); }
  } release{*this, source};
  auto entry = std::make_shared<ConnectionEntry>();
  entry->executor = socket.get_executor();
  Registration registration(*this, entry);  // until the session ends, however it ends
  const std::string remote = endpoint_text(socket);
  if (!handshake_allowed(source, remote)) co_return;  // the socket closes unread
  const auto tls_context = current_tls();
  Stream stream(std::move(socket), *tls_context);
  entry->stream = &stream;

  try {
    if (stopping) co_return;  // stop() began before we registered
    if (!co_await handshake(stream, remote)) {
      handshake_limiter.spend(source, SourceLimiter::Clock::now());
      co_return;
    }
    const auto peer_key = tls::peer_ed25519_key(stream.native_handle());
    beast::flat_buffer buffer;
    Next next = Next::close;
    while (!stopping) {
      next = co_await exchange(stream, *entry, buffer, peer_key, remote);
      if (next != Next::read_again) break;
    }
    if (next == Next::drop) co_return;

    // Orderly close: send close_notify; wait briefly for the client's (an
    // idle client will not answer, so while stopping hardly at all).
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(stopping ? std::chrono::milliseconds(100)
                                                           : std::chrono::seconds(1));
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  } catch (const std::exception& e) {
    spdlog::error("event=connection_failed listener={} remote={} error=\"{}\"", options.name,
                  remote, e.what());
  }
}

HttpsServer::Impl::Registration::Registration(Impl& impl, std::shared_ptr<ConnectionEntry> entry)
    : impl_(impl), entry_(std::move(entry)) {
  std::lock_guard lock(impl_.mu);
  id_ = impl_.next_id++;
  impl_.connections.emplace(id_, entry_);
}

HttpsServer::Impl::Registration::~Registration() {
  entry_->stream = nullptr;
  std::lock_guard lock(impl_.mu);
  impl_.connections.erase(id_);
  if (impl_.connections.empty()) impl_.all_closed.notify_all();
}

net::awaitable<bool> HttpsServer::Impl::handshake(Stream& stream, const std::string& remote) {
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.limits.handshake_timeout);
  co_await stream.async_handshake(ssl::stream_base::server,
                                  net::redirect_error(net::use_awaitable, ec));
  if (!ec) co_return true;
  if (ec == net::error::operation_aborted) co_return false;  // stop() closed it
  ++handshake_failures;
  std::uint64_t more = 0;
  if (handshake_failed_log.due(std::chrono::steady_clock::now(), more)) {
    std::string detail = tls::verify_failure(stream.native_handle());
    spdlog::warn(
        "event=tls_handshake_failed listener={} remote={} error=\"{}\"{} "
        "failed_since_last_line={}",
        options.name, remote, escape_text(ec.message()),
        detail.empty() ? "" : " detail=\"" + escape_text(detail) + "\"", more);
  }
  co_return false;
}

net::awaitable<HttpsServer::Impl::Next> HttpsServer::Impl::exchange(
    Stream& stream, ConnectionEntry& entry, beast::flat_buffer& buffer,
    const std::optional<tls::Ed25519PublicKey>& peer_key, const std::string& remote) {
  Parser parser;
  std::size_t body_limit = 0;
  std::optional<HttpResponse> early;
  beast::error_code ec = co_await read_request(stream, buffer, parser, body_limit, early, remote);
  if (ec) {
    co_await refuse_request(stream, ec, body_limit, remote);
    co_return Next::drop;
  }
  if (early) {
    // Refused on its header: answered and closed with the body unread (a
    // little is drained so that the close does not reset the answer away).
    ec = co_await send_reply(stream, parser.get(), std::move(*early), false, false);
    if (!ec) co_await linger_close(stream, 64 * 1024);
    co_return Next::drop;
  }

  entry.busy = true;
  ++requests;
  auto started_at = std::chrono::steady_clock::now();
  http::request<http::string_body> req = parser.release();
  HttpRequest request = to_http_request(req, peer_key, remote);
  HttpResponse reply = co_await respond(request);

  const bool is_head = req.method() == http::verb::head;
  const bool streamed = reply.stream != nullptr;
  if (streamed && !is_head) {
    StreamSlot slot = acquire_stream_slot();
    if (slot) {
      // The connection ends with the stream (the body is close-delimited).
      bool orderly = co_await send_stream(stream, entry, req.version(), std::move(reply),
                                          std::move(slot), remote, request.target);
      entry.busy = false;
      co_return orderly ? Next::close : Next::drop;
    }
    spdlog::warn("event=stream_refused listener={} remote={} target=\"{}\" open_streams={}",
                 options.name, remote, log_target(request.target), open_streams.load());
    reply = json_error(503, "too_many_streams",
                       "this server already sends " + std::to_string(options.limits.max_streams) +
                           " streams; try again later");
  }

  const bool keep_alive = req.keep_alive() && !stopping;
  const int status = reply.status;
  ec = co_await send_reply(stream, req, std::move(reply), keep_alive, streamed);
  entry.busy = false;
  spdlog::debug("event=request listener={} remote={} method={} target=\"{}\" status={} us={}",
                options.name, remote, escape_text(request.method), log_target(request.target),
                status,
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started_at)
                    .count());
  if (ec) co_return Next::drop;
  co_return keep_alive ? Next::read_again : Next::close;
}

net::awaitable<beast::error_code> HttpsServer::Impl::read_request(
    Stream& stream, beast::flat_buffer& buffer, Parser& parser, std::size_t& body_limit,
    std::optional<HttpResponse>& early, const std::string& remote) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const ServerLimits& limits = options.limits;
  beast::error_code ec;
  parser.body_limit(limits.max_body_bytes);
  parser.header_limit(limits.max_header_bytes);

  tcp_layer.expires_after(limits.idle_timeout);
  co_await http::async_read_header(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
  // Who asks, before anything of the body: a refusal ends the request here.
  if (!ec && !parser.is_done() && limits.check_head) {
    early = check_head(parser.get(), remote);
    if (early) co_return ec;
  }
  // The route's own limit, before any of the body is read. Beast checks
  // a Content-Length against the limit while parsing the header, and a
  // chunked body as it arrives; so the first is checked here.
  body_limit = limits.max_body_bytes;
  if (!ec && limits.body_limit_for) {
    body_limit =
        std::min(body_limit, limits.body_limit_for(std::string(parser.get().method_string()),
                                                   std::string(parser.get().target())));
    auto length = parser.content_length();
    if (length && *length > body_limit) {
      ec = http::error::body_limit;
    } else {
      parser.body_limit(body_limit);
    }
  }
  if (!ec && !parser.is_done() &&
      beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    tcp_layer.expires_after(limits.write_timeout);
    co_await http::async_write(stream, go_on, net::redirect_error(net::use_awaitable, ec));
  }
  if (!ec && !parser.is_done()) {
    tcp_layer.expires_after(limits.idle_timeout);
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  }
  co_return ec;
}

net::awaitable<void> HttpsServer::Impl::refuse_request(Stream& stream, beast::error_code ec,
                                                       std::size_t body_limit,
                                                       const std::string& remote) {
  if (is_disconnect(ec)) {
    spdlog::debug("event=connection_closed listener={} remote={} reason=\"{}\"", options.name,
                  remote, ec.message());
    co_return;
  }
  // Reply to what can be answered, then close: after a framing error
  // the byte stream cannot be trusted to find the next request.
  HttpResponse reply;
  if (ec == http::error::body_limit) {
    reply = json_error(413, "payload_too_large",
                       "request body exceeds " + std::to_string(body_limit) + " bytes");
  } else if (ec == http::error::header_limit) {
    reply = json_error(
        431, "headers_too_large",
        "request headers exceed " + std::to_string(options.limits.max_header_bytes) + " bytes");
  } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    reply = json_error(400, "bad_request", "malformed HTTP request: " + ec.message());
  } else {
    spdlog::info("event=connection_failed listener={} remote={} error=\"{}\"", options.name, remote,
                 ec.message());
    co_return;
  }
  spdlog::info("event=request_refused listener={} remote={} status={} error=\"{}\"", options.name,
               remote, reply.status, ec.message());
  http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
  res.set(http::field::content_type, reply.content_type);
  add_listener_headers(res, options.response_headers);
  res.body() = std::move(reply.body);
  res.keep_alive(false);
  res.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
  co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
  if (!ec) co_await linger_close(stream);
}

HttpRequest HttpsServer::Impl::head_of(const http::request<http::string_body>& req,
                                       const std::string& remote) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) {
    auto [it, fresh] =
        request.headers.emplace(lower(field.name_string()), std::string(field.value()));
    if (!fresh) it->second.append(", ").append(std::string(field.value()));
  }
  request.remote_address = remote;
  return request;
}

HttpRequest HttpsServer::Impl::to_http_request(http::request<http::string_body>& req,
                                               const std::optional<tls::Ed25519PublicKey>& peer_key,
                                               const std::string& remote) {
  HttpRequest request = head_of(req, remote);
  request.body = std::move(req.body());
  request.peer_key = peer_key;
  return request;
}

std::optional<HttpResponse> HttpsServer::Impl::check_head(
    const http::request<http::string_body>& req, const std::string& remote) {
  try {
    return options.limits.check_head(head_of(req, remote));
  } catch (const std::exception& e) {
    spdlog::error("event=check_head_failed listener={} error=\"{}\"", options.name, e.what());
    return json_error(500, "internal_error", "internal error; the server log has details");
  }
}

net::awaitable<HttpResponse> HttpsServer::Impl::respond(HttpRequest& request) {
  const ServerLimits& l = options.limits;
  if (!offload_pool || !l.offload(request.method, request.target))
    co_return co_await run_handler(request);
  const std::size_t capacity =
      static_cast<std::size_t>(std::max(1, l.offload_threads)) + l.offload_queue;
  if (offload_pending.fetch_add(1) >= capacity) {
    offload_pending.fetch_sub(1);
    ++offload_refused;
    HttpResponse busy =
        json_error(503, "server_busy", "too many requests of this kind at once; try again");
    busy.headers["Retry-After"] = "1";
    co_return busy;
  }
  struct Done {
    std::atomic<std::size_t>& pending;
    ~Done() { pending.fetch_sub(1); }
  } done{offload_pending};
  co_return co_await net::co_spawn(
      offload_pool->get_executor(),
      [this, &request]() -> net::awaitable<HttpResponse> { co_return call_handler(request); },
      net::use_awaitable);
}

net::awaitable<beast::error_code> HttpsServer::Impl::send_reply(
    Stream& stream, const http::request<http::string_body>& req, HttpResponse reply,
    bool keep_alive, bool streamed) {
  const bool is_head = req.method() == http::verb::head;
  http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
  res.set(http::field::server, "hotline");
  if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) res.set(name, value);
  add_listener_headers(res, options.response_headers);
  res.keep_alive(keep_alive);
  if (is_head && streamed) {
    set_stream_headers(res);  // the headers a GET would have; no stream
  } else if (is_head) {
    res.content_length(reply.body.size());  // the length a GET would have, no body
  } else {
    res.body() = std::move(reply.body);
    res.prepare_payload();
  }
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
  co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
  co_return ec;
}

HttpsServer::HttpsServer(tls::Context tls, ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(tls), std::move(options), std::move(handler))) {}

HttpsServer::~HttpsServer() {
  stop();
}

void HttpsServer::replace_tls(tls::Context tls) {
  auto next = std::make_shared<ssl::context>(shared_native(tls, "HttpsServer"));
  std::lock_guard lock(impl_->tls_mu);
  impl_->retired_tls.emplace_back(std::move(impl_->tls), std::move(impl_->asio_tls));
  impl_->tls = std::move(tls);
  impl_->asio_tls = std::move(next);
}

void HttpsServer::start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.started) return;
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.bind_address, ec);
  if (ec) {
    throw Error(ErrorCategory::invalid_input, "listen_failed",
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
    throw Error(ErrorCategory::invalid_input, "listen_failed",
                "cannot listen on " + where + " for " + s.options.name + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  if (s.options.limits.offload) {
    s.offload_pool = std::make_unique<net::thread_pool>(
        static_cast<std::size_t>(std::max(1, s.options.limits.offload_threads)));
  }
  net::co_spawn(s.acceptor.get_executor(), s.accept_loop(), net::detached);
  if (s.options.handler_threads > 0) {
    s.handler_pool =
        std::make_unique<net::thread_pool>(static_cast<std::size_t>(s.options.handler_threads));
  }
  int n = std::max(1, s.options.threads);
  for (auto& ioc : s.iocs) s.guards.push_back(net::make_work_guard(*ioc));
  for (int i = 0; i < n; ++i) {
    net::io_context& ioc = *s.iocs[static_cast<std::size_t>(i) % s.iocs.size()];
    s.threads.emplace_back([&ioc, name = s.options.name + "-io"] {
      name_this_thread(name.c_str());
      ioc.run();
    });
  }
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
      // after writing its response and closes then. Streaming: wake it from
      // its wait for the next poll (or abort its write); it ends the stream.
      if (entry->stream && !entry->busy) beast::get_lowest_layer(*entry->stream).cancel();
      if (entry->stream_timer) entry->stream_timer->cancel();
    });
  }
  bool drained =
      s.all_closed.wait_for(lock, s.options.stop_timeout, [&s] { return s.connections.empty(); });
  std::size_t left = s.connections.size();
  lock.unlock();
  if (!drained) {
    spdlog::warn("event=stop_timeout listener={} open_connections={}", s.options.name, left);
  }
  // Offloaded handlers and those on the handler pool finish before the
  // sessions waiting for them go; their answers are then written (or
  // dropped) by the I/O threads.
  if (s.offload_pool) s.offload_pool->join();
  if (s.handler_pool) s.handler_pool->join();
  s.guards.clear();
  for (auto& ioc : s.iocs) ioc->stop();
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
  out.handshakes_refused = impl_->handshakes_refused;
  out.requests = impl_->requests;
  out.open_streams = impl_->open_streams;
  out.connections_refused = impl_->connections_refused;
  out.offload_refused = impl_->offload_refused;
  out.offload_pending = impl_->offload_pending;
  std::lock_guard lock(impl_->mu);
  out.open_connections = impl_->connections.size();
  return out;
}

}  // namespace hotline::net
