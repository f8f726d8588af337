// SmtpClient (see smtp_client.h): one Boost.Asio coroutine per delivery.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "hotline/net/smtp_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <exception>
#include <set>
#include <sstream>

#include "hotline/common/encoding.h"

namespace hotline::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

constexpr std::size_t kMaxReplyLine = 4096;
constexpr std::size_t kMaxReplyLines = 200;
constexpr std::size_t kShownChars = 200;

// Text from the server, safe for a log line or a terminal.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= kShownChars) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u >= 0x7f ? '?' : c);
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Thrown inside the coroutine; becomes the SmtpResult.
struct Failure {
  bool permanent = false;
  int code = 0;
  std::string error;
};

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // the text after the code, one per line
  std::string text() const {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : " / ") + l;
    return printable(out);
  }
};

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

class Session {
 public:
  Session(asio::io_context& ioc, ssl::context& ctx, const SmtpServer& server,
          const SmtpOptions& options)
      : timer_(ioc),
        stream_(ioc, ctx),
        server_(server),
        options_(options),
        where_(server.host + ":" + std::to_string(server.port)) {}

  awaitable<void> run(const SmtpEnvelope& envelope);
  bool accepted() const { return accepted_; }

  // What we were doing when `e` (from an Asio operation) happened.
  Failure failure_of(const boost::system::system_error& e) const;

 private:
  void arm(std::chrono::milliseconds limit, std::string doing) {
    doing_ = std::move(doing);
    limit_ = limit;
    timed_out_ = false;
    timer_.expires_after(limit);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      timed_out_ = true;
      boost::system::error_code ignored;
      stream_.lowest_layer().cancel(ignored);
    });
  }
  void disarm() { timer_.cancel(); }

  awaitable<void> connect();
  awaitable<void> handshake();
  awaitable<Reply> read_reply(std::string doing);
  awaitable<Reply> command(const std::string& line, const std::string& shown);
  awaitable<std::set<std::string>> ehlo();
  awaitable<void> authenticate(const std::set<std::string>& caps);
  awaitable<void> transfer(const SmtpEnvelope& envelope);

  // Refuses a reply outside [low, high]; a 5xx is permanent when `message`
  // (the reply concerns this message, not the session).
  static void expect(const Reply& r, int low, int high, const std::string& shown, bool message,
                     const std::string& where) {
    if (r.code >= low && r.code <= high) return;
    Failure f;
    f.code = r.code;
    f.permanent = message && r.code >= 500;
    f.error = where + " answered " + std::to_string(r.code) + " to " + shown + ": " + r.text();
    throw f;
  }

  asio::steady_timer timer_;
  ssl::stream<tcp::socket> stream_;
  const SmtpServer& server_;
  const SmtpOptions& options_;
  std::string where_;
  std::string buffer_;
  bool tls_ = false;
  std::string doing_ = "connecting to";
  std::chrono::milliseconds limit_{0};
  bool timed_out_ = false;
  bool accepted_ = false;
};

Failure Session::failure_of(const boost::system::system_error& e) const {
  Failure f;
  if (timed_out_) {
    f.error = doing_ + " " + where_ + " timed out after " + std::to_string(limit_.count()) + " ms";
    return f;
  }
  const SSL* ssl = const_cast<ssl::stream<tcp::socket>&>(stream_).native_handle();
  if (long v = SSL_get_verify_result(ssl); tls_ && v != X509_V_OK) {
    f.error = "refused the TLS certificate of " + where_ + ": " + X509_verify_cert_error_string(v);
    return f;
  }
  if (e.code().category() == asio::error::get_ssl_category()) {
    f.error = "TLS with " + where_ + " failed while " + doing_ + ": " + e.code().message();
    return f;
  }
  f.error = doing_ + " " + where_ + " failed: " + e.code().message();
  return f;
}

awaitable<void> Session::connect() {
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(server_.host, ec);
  if (!ec) {
    endpoints.emplace_back(address, server_.port);
  } else {
    tcp::resolver resolver(stream_.get_executor());
    auto results = resolver.resolve(server_.host, std::to_string(server_.port), ec);
    if (ec) throw Failure{false, 0, "cannot resolve " + server_.host + ": " + ec.message()};
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }
  arm(options_.connect_timeout, "connecting to");
  co_await asio::async_connect(stream_.next_layer(), endpoints, use_awaitable);
  disarm();
}

awaitable<void> Session::handshake() {
  SSL* ssl = stream_.native_handle();
  if (!is_ip_literal(server_.host)) SSL_set_tlsext_host_name(ssl, server_.host.c_str());
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (is_ip_literal(server_.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, server_.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, server_.host.c_str(), 0);
  }
  tls_ = true;
  arm(options_.connect_timeout, "the TLS handshake with");
  co_await stream_.async_handshake(ssl::stream_base::client, use_awaitable);
  disarm();
  // The verify callback lets the handshake finish (OpenSSL's failed
  // handshake inside Asio can stall until the timeout); the verdict is read
  // here, before a single byte more is sent.
  if (SSL_get0_peer_certificate(ssl) == nullptr) {
    throw Failure{false, 0, "refused the TLS session with " + where_ + ": no certificate"};
  }
  if (long v = SSL_get_verify_result(ssl); v != X509_V_OK) {
    throw Failure{false, 0,
                  "refused the TLS certificate of " + where_ + ": " +
                      X509_verify_cert_error_string(v) + " (nothing was sent)"};
  }
}

awaitable<Reply> Session::read_reply(std::string doing) {
  arm(options_.reply_timeout, std::move(doing));
  Reply r;
  for (;;) {
    auto buf = asio::dynamic_buffer(buffer_, kMaxReplyLine);
    std::size_t n =
        tls_ ? co_await asio::async_read_until(stream_, buf, "\r\n", use_awaitable)
             : co_await asio::async_read_until(stream_.next_layer(), buf, "\r\n", use_awaitable);
    std::string line = buffer_.substr(0, n - 2);
    buffer_.erase(0, n);
    const bool digits = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                        std::isdigit(static_cast<unsigned char>(line[1])) &&
                        std::isdigit(static_cast<unsigned char>(line[2]));
    if (!digits || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      throw Failure{false, 0,
                    where_ + " sent an invalid SMTP reply (expected a 3-digit code): \"" +
                        printable(line) + "\""};
    }
    const int code = std::stoi(line.substr(0, 3));
    if (r.code != 0 && code != r.code) {
      throw Failure{false, 0, where_ + " changed its reply code within one reply"};
    }
    r.code = code;
    r.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
    if (line.size() == 3 || line[3] == ' ') break;
    if (r.lines.size() > kMaxReplyLines) {
      throw Failure{false, 0, where_ + " sent a reply of more than 200 lines"};
    }
  }
  disarm();
  co_return r;
}

awaitable<Reply> Session::command(const std::string& line, const std::string& shown) {
  arm(options_.reply_timeout, "sending " + shown + " to");
  const std::string wire = line + "\r\n";
  if (tls_) {
    co_await asio::async_write(stream_, asio::buffer(wire), use_awaitable);
  } else {
    co_await asio::async_write(stream_.next_layer(), asio::buffer(wire), use_awaitable);
  }
  co_return co_await read_reply("waiting for the answer to " + shown + " from");
}

awaitable<std::set<std::string>> Session::ehlo() {
  Reply r = co_await command("EHLO " + server_.helo_name, "EHLO");
  expect(r, 250, 250, "EHLO", false, where_);
  std::set<std::string> caps;  // "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", ...
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    std::istringstream words(upper(r.lines[i]));
    std::string first, word;
    words >> first;
    caps.insert(first);
    if (first == "AUTH") {
      while (words >> word) caps.insert("AUTH " + word);
    }
  }
  co_return caps;
}

awaitable<void> Session::authenticate(const std::set<std::string>& caps) {
  if (server_.user.empty()) co_return;
  if (caps.count("AUTH PLAIN")) {
    std::string token;
    token.push_back('\0');
    token += server_.user;
    token.push_back('\0');
    token += server_.password;
    Reply r = co_await command("AUTH PLAIN " + base64_encode(token), "AUTH PLAIN");
    expect(r, 235, 235, "AUTH PLAIN (user " + printable(server_.user) + ")", false, where_);
  } else if (caps.count("AUTH LOGIN")) {
    Reply r = co_await command("AUTH LOGIN", "AUTH LOGIN");
    expect(r, 334, 334, "AUTH LOGIN", false, where_);
    r = co_await command(base64_encode(server_.user), "AUTH LOGIN's user name");
    expect(r, 334, 334, "AUTH LOGIN's user name", false, where_);
    r = co_await command(base64_encode(server_.password), "AUTH LOGIN's password");
    expect(r, 235, 235, "AUTH LOGIN (user " + printable(server_.user) + ")", false, where_);
  } else {
    throw Failure{false, 0,
                  where_ + " offers neither AUTH PLAIN nor AUTH LOGIN (a user is configured)"};
  }
}

awaitable<void> Session::transfer(const SmtpEnvelope& envelope) {
  Reply r = co_await command("MAIL FROM:<" + envelope.from + ">", "MAIL FROM");
  expect(r, 250, 250, "MAIL FROM:<" + printable(envelope.from) + ">", true, where_);
  for (const auto& to : envelope.to) {
    r = co_await command("RCPT TO:<" + to + ">", "RCPT TO");
    expect(r, 250, 251, "RCPT TO:<" + printable(to) + ">", true, where_);
  }
  r = co_await command("DATA", "DATA");
  expect(r, 354, 354, "DATA", true, where_);
  arm(options_.reply_timeout, "sending the message to");
  const std::string body = dot_stuff(envelope.data) + ".\r\n";
  co_await asio::async_write(stream_, asio::buffer(body), use_awaitable);
  r = co_await read_reply("waiting for the answer to the message from");
  expect(r, 250, 250, "the message", true, where_);
}

awaitable<void> Session::run(const SmtpEnvelope& envelope) {
  co_await connect();
  if (server_.tls == SmtpTls::implicit) co_await handshake();
  Reply greeting = co_await read_reply("waiting for the greeting of");
  expect(greeting, 220, 220, "the connection (its greeting)", false, where_);
  auto caps = co_await ehlo();
  if (server_.tls == SmtpTls::starttls) {
    if (!caps.count("STARTTLS")) {
      throw Failure{
          false, 0,
          where_ + " does not offer STARTTLS: refused to send without TLS (nothing was sent)"};
    }
    Reply r = co_await command("STARTTLS", "STARTTLS");
    expect(r, 220, 220, "STARTTLS", false, where_);
    buffer_.clear();  // nothing sent before TLS may count after it
    co_await handshake();
    caps = co_await ehlo();
  }
  co_await authenticate(caps);
  co_await transfer(envelope);
  accepted_ = true;
  try {
    co_await command("QUIT", "QUIT");  // a courtesy: the message is accepted already
  } catch (...) {
  }
}

// Everything ends here: never throws.
SmtpResult deliver(const SmtpServer& server, const SmtpEnvelope& envelope,
                   const SmtpOptions& options) {
  SmtpResult result;
  ssl::context ctx(ssl::context::tls_client);
  try {
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(ssl::verify_peer);
    // Every certificate error is recorded in the verify result, which
    // Session::handshake checks (and refuses on) before anything is sent.
    ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    if (server.ca_file.empty()) {
      ctx.set_default_verify_paths();
    } else {
      ctx.load_verify_file(server.ca_file);
    }
  } catch (const boost::system::system_error& e) {
    result.error =
        "cannot load the relay's CA file " + printable(server.ca_file) + ": " + e.code().message();
    return result;
  }
  asio::io_context ioc;
  Session session(ioc, ctx, server, options);
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(ioc, session.run(envelope), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  ioc.run();
  if (!done) {
    result.error = "the SMTP session with " + server.host + " ended unexpectedly";
    return result;
  }
  if (!failure || session.accepted()) {
    result.ok = true;
    result.code = 250;
    return result;
  }
  try {
    std::rethrow_exception(failure);
  } catch (const Failure& f) {
    result.permanent = f.permanent;
    result.code = f.code;
    result.error = f.error;
  } catch (const boost::system::system_error& e) {
    Failure f = session.failure_of(e);
    result.error = f.error;
  } catch (const std::exception& e) {
    result.error = std::string("SMTP with ") + server.host + " failed: " + e.what();
  }
  return result;
}

}  // namespace

std::string dot_stuff(const std::string& data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 4);
  bool line_start = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (i == 0 || data[i - 1] != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  return out;
}

SmtpResult send_mail(const SmtpServer& server, const SmtpEnvelope& envelope,
                     const SmtpOptions& options) {
  return deliver(server, envelope, options);
}

}  // namespace hotline::net
