// SmtpClient: sends one e-mail through a relay (RFC 5321), for the
// escalation e-mails (node/mail.h).
//
// One call is one delivery: one connection, run as one Boost.Asio coroutine
// on a private io_context on the calling thread, with a timeout on every
// step (connect, TLS handshake, each reply):
//
//   connect -> 220 greeting -> EHLO -> STARTTLS -> TLS handshake -> EHLO
//   (or, with implicit TLS on 465, the TLS handshake first) -> AUTH PLAIN
//   (or LOGIN, whichever the server offers; PLAIN first) -> MAIL FROM ->
//   RCPT TO (each) -> DATA -> the message, dot-stuffed -> "." -> QUIT.
//
// TLS is always required: a server that does not offer STARTTLS is refused
// before anything is sent (never a clear-text fallback). The server's
// certificate is verified against the configured CA file or the system
// trust store AND the host name (or IP address) the relay was configured
// with. TLS 1.2 or later.
//
// Failures never throw; they come back in SmtpResult:
//   - permanent: the relay refused the message itself with a 5xx reply to
//     MAIL FROM, RCPT TO or DATA (sending it again will not help);
//   - otherwise transient: no connection, a timeout, a TLS failure, a 4xx
//     reply, or a 5xx reply to EHLO / STARTTLS / AUTH (the relay's or our
//     configuration is wrong: the message is fine and is sent again once
//     that is fixed).
// The server's words in `error` are cut and made printable (no control
// characters): they come from outside.
//
// Thread-safety: send_mail is a free function with no shared state; any
// thread may call it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::net {

enum class SmtpTls {
  starttls,  // plain connect, then STARTTLS (port 587 or 25)
  implicit,  // TLS from the first byte (port 465)
};

struct SmtpServer {
  std::string host;  // a name or an IP address (verified against the certificate)
  std::uint16_t port = 587;
  SmtpTls tls = SmtpTls::starttls;
  std::string ca_file;   // PEM file of the CAs to trust; empty: the system trust store
  std::string user;      // empty: no AUTH
  std::string password;  // for AUTH
  std::string helo_name = "hotline.invalid";  // our name in EHLO
};

struct SmtpOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};  // connect and handshake
  std::chrono::milliseconds reply_timeout{std::chrono::seconds(60)};    // each command's reply
};

struct SmtpEnvelope {
  std::string from;             // MAIL FROM address
  std::vector<std::string> to;  // RCPT TO addresses
  // The message (headers, blank line, body) with CRLF line ends; no
  // dot-stuffing (send_mail does it) and no final "." line.
  std::string data;
};

struct SmtpResult {
  bool ok = false;         // the relay accepted the message (250 after DATA)
  bool permanent = false;  // refused for good (see above)
  int code = 0;            // the last reply's code; 0 when there was none
  std::string error;       // for a duty officer; empty when ok
};

SmtpResult send_mail(const SmtpServer& server, const SmtpEnvelope& envelope,
                     const SmtpOptions& options = {});

// "a\r\n.b" -> "a\r\n..b" and a final CRLF: the DATA section before its
// terminating ".\r\n" (RFC 5321, 4.5.2). Bare LF line ends become CRLF.
std::string dot_stuff(const std::string& data);

}  // namespace hotline::net
