// The attack suite, peer port (issue #17, item 10): strangers and a hostile
// peer against bravo while alpha and bravo go on working. Each scenario
// checks, during the attack, that an alert from alpha reaches bravo within
// kAlertTime and that bravo's officer is served; and afterwards that
// bravo's memory stayed under kRssBoundMiB and that what it stored of the
// attacker is bounded. Every loop is bounded in count and in time.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <future>
#include <vector>

#include "attack/attack_harness.h"
#include "hotline/common/encoding.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/random.h"
#include "hotline/link/envelope.h"
#include "hotline/tls/context.h"

namespace hotline::attack {
namespace peer_attack_test {

tls::Ed25519Seed seed_of(const crypto::KeyPair& k) {
  tls::Ed25519Seed s{};
  std::copy(k.seed().begin(), k.seed().end(), s.begin());
  return s;
}

// One TLS handshake with a fresh throwaway key from `source`; true when the
// server let it through (it must not).
bool throwaway_handshake(const std::string& source, std::uint16_t port,
                         const crypto::PublicKey& server) {
  auto key = crypto::KeyPair::generate();
  auto ctx = tls::peer_client_context(seed_of(key), "mallory", server.bytes);
  int fd = connect_from(source, port);
  if (fd < 0) return false;
  pollfd p{fd, POLLOUT, 0};
  ::poll(&p, 1, 2000);
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  SSL* ssl = SSL_new(ctx.native());
  SSL_set_fd(ssl, fd);
  bool in = SSL_connect(ssl) == 1;
  if (in) {
    // TLS 1.3: the server's verdict on our certificate comes after the
    // handshake; a refused client reads an alert, not data.
    const char req[] = "POST /v1/envelopes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    SSL_write(ssl, req, sizeof req - 1);
    char buf[64];
    in = SSL_read(ssl, buf, sizeof buf) > 0;
  }
  SSL_free(ssl);
  ::close(fd);
  ERR_clear_error();
  return in;
}

class PeerAttack : public AttackNodes {};

// 1,000 handshakes, each with a fresh key, from eight stranger addresses.
// Each address gets a burst of failed handshakes and is then cut off before
// any TLS work; bravo records at most one peer_refused row and writes at
// most one tls_handshake_failed line per interval (60 s and 10 s).
TEST_F(PeerAttack, AThousandThrowawayKeys) {
  ASSERT_NO_FATAL_FAILURE(start_attack_pair());
  const auto bravo_key = service::read_public_key(dir(kBravo));
  const auto events_before = events(kBravo);
  RssWatch rss(pid(kBravo));

  const auto t0 = Clock::now();
  std::atomic<int> tried{0}, let_in{0};
  auto attacker = std::async(std::launch::async, [&] {
    for (int i = 0; i < 1000 && Clock::now() - t0 < 30s; ++i, ++tried) {
      if (throwaway_handshake(attacker_address(i), node(kBravo).peer_port, bravo_key)) ++let_in;
    }
  });
  std::this_thread::sleep_for(300ms);  // the attack is under way
  auto took = alert_round_trip("Scanning seen during a handshake flood");
  operator_request();
  attacker.get();
  const double seconds = it::seconds_since(t0);
  std::printf(
      "[attack] %d throwaway handshakes in %.1f s; alert took %lld ms; bravo max RSS %ld "
      "MiB\n",
      tried.load(), seconds, static_cast<long long>(took.count()), rss.max_mib());

  EXPECT_EQ(tried, 1000) << "the attacker did not get through its 1,000 attempts in 30 s";
  EXPECT_EQ(let_in, 0);
  EXPECT_LE(rss.max_mib(), kRssBoundMiB);
  std::this_thread::sleep_for(500ms);  // the monitor records the refusals
  const auto intervals = static_cast<std::int64_t>(seconds / 60) + 1;
  EXPECT_GE(events(kBravo, "peer_refused"), 1);
  EXPECT_LE(events(kBravo, "peer_refused"), intervals + 1);
  // What else bravo stored meanwhile is the alert's own traffic.
  EXPECT_LE(events(kBravo) - events_before, intervals + 1 + 10);
  EXPECT_LE(log_lines(kBravo, "event=peer_refused"), intervals + 1);
  EXPECT_LE(log_lines(kBravo, "event=tls_handshake_failed"),
            static_cast<std::int64_t>(seconds / 10) + 2);
}

// 10,000 idle connections that never finish a handshake: 9,000 to the peer
// port from sixteen addresses (each address may hold 32 open, the rest are
// closed as soon as they are accepted) and 1,000 to the operators' port
// (whose own caps are the operators' side of the suite). The node keeps
// serving, within its memory bound.
TEST_F(PeerAttack, TenThousandIdleConnections) {
  const int to_peer = 9000, to_operator = 1000;
  ASSERT_GE(raise_nofile(to_peer + to_operator + 2000),
            static_cast<rlim_t>(to_peer + to_operator + 1000))
      << "the hard limit on open files is too low for this test";
  ASSERT_NO_FATAL_FAILURE(start_attack_pair());
  const auto events_before = events(kBravo);
  RssWatch rss(pid(kBravo));

  std::vector<int> fds;
  fds.reserve(to_peer + to_operator);
  const auto t0 = Clock::now();
  for (int i = 0; i < to_peer + to_operator && Clock::now() - t0 < 20s; ++i) {
    const auto port = i % 10 == 0 ? node(kBravo).op_port : node(kBravo).peer_port;
    int fd = connect_from(attacker_address(i, 16), port);
    if (fd >= 0) fds.push_back(fd);
  }
  std::printf("[attack] %zu idle connections opened in %.1f s\n", fds.size(),
              it::seconds_since(t0));
  EXPECT_GE(fds.size(), static_cast<std::size_t>((to_peer + to_operator) * 9 / 10));
  auto took = alert_round_trip("Scanning seen while 10,000 connections sit idle");
  operator_request();
  std::printf("[attack] alert took %lld ms; bravo max RSS %ld MiB\n",
              static_cast<long long>(took.count()), rss.max_mib());
  for (int fd : fds) ::close(fd);
  EXPECT_LE(rss.max_mib(), kRssBoundMiB);
  EXPECT_LE(events(kBravo) - events_before, 10) << "bravo recorded the idle connections";
}

// A configured peer turned hostile (charlie: bravo holds its key; it never
// runs) sends oversized, control-character and malformed batches. Bravo
// answers each with its error, lists none of the desk messages that break
// the rule, and its log holds no control character of charlie's.
TEST_F(PeerAttack, AHostilePeersBatches) {
  it::TwoNodesOptions opt;
  opt.max_body_mib = 1;
  ASSERT_NO_FATAL_FAILURE(start_attack_pair(opt));
  const fs::path charlie_dir = scratch() / "charlie";
  ASSERT_EQ(cli({"init", "--dir", charlie_dir.string(), "--party", "charlie"}).exit_code, 0);
  auto charlie = crypto::KeyPair::load(charlie_dir / "identity.key");
  const auto bravo_key = service::read_public_key(dir(kBravo));
  ASSERT_EQ(cli({"peer", "add", "--dir", dir(kBravo).string(), "--name", "charlie", "--url",
                 "https://127.0.0.1:" + std::to_string(it::free_port()), "--key",
                 charlie.public_key().encoded()})
                .exit_code,
            0);
  const std::string link = link::link_id(charlie.public_key(), bravo_key);
  net::ClientOptions co;
  co.connect_timeout = 5s;
  co.read_timeout = 15s;
  net::HttpsClient client(tls::peer_client_context(seed_of(charlie), "charlie", bravo_key.bytes),
                          "127.0.0.1", node(kBravo).peer_port, co);
  auto post = [&](const std::string& body) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/envelopes";
    req.body = body;
    try {
      return client.request(req).status;
    } catch (const Error&) {
      return 0;  // dropped (a body over the limit closes the connection)
    }
  };
  // Bravo pins charlie's key within a second of the peer add. (Each try
  // before that is a failed handshake from 127.0.0.1, which alpha shares:
  // few and far between.)
  bool pinned = false;
  for (int i = 0; i < 10 && !pinned; ++i) {
    std::this_thread::sleep_for(1s);
    pinned = post("x") == 400;
  }
  ASSERT_TRUE(pinned) << "bravo never accepted charlie's key";
  RssWatch rss(pid(kBravo));
  const auto events_before = events(kBravo);

  std::string prev(link::kGenesisPrev);
  std::int64_t seq = 0, sent = 0, rounds = 0;
  auto next = [&](const std::string& type, nlohmann::json body) {
    link::Envelope e;
    e.id = crypto::new_id();
    e.link = link;
    e.from = charlie.public_key().encoded();
    e.to = bravo_key.encoded();
    e.seq = ++seq;
    e.prev = prev;
    e.sent_at = format_timestamp(now_ms());
    e.type = type;
    e.body = std::move(body);
    auto sealed = link::seal(e, charlie);
    prev = to_hex(link::envelope_digest(sealed));
    return link::canonical(sealed);
  };
  const std::vector<std::string> texts = {
      "\x1b]0;owned\x07\x1b[2J", "fine\r[2026-12-07 03:00:00.000] [info] event=all_clear",
      "line\n[2026-12-07 03:00:00.000] [info] event=forged", std::string(17 * 1024, 'a'),
      "bidi \xe2\x80\xae override"};

  const auto t0 = Clock::now();
  auto attacker = std::async(std::launch::async, [&] {
    for (int round = 0; round < 40 && Clock::now() - t0 < 20s; ++round) {
      // Signed envelopes whose content breaks the desk message rule.
      std::string batch;
      for (const auto& t : texts) batch += next(service::kDeskMessage, {{"text", t}}) + "\n";
      EXPECT_EQ(post(batch), 200);
      // Malformed lines, invalid UTF-8, and a body over the limit.
      EXPECT_EQ(post("not json\n{}\n"), 400);
      EXPECT_EQ(post("{\"type\":\"x.\x1b[31mred\",\"v\":1}\n"), 400);
      EXPECT_EQ(post("{\"text\":\"\xff\xfe\"}\n"), 400);
      EXPECT_NE(post(std::string(2 * 1024 * 1024, '{')), 200);
      sent += static_cast<std::int64_t>(texts.size());
      ++rounds;
    }
  });
  std::this_thread::sleep_for(300ms);
  auto took = alert_round_trip("Scanning seen while a peer misbehaves");
  operator_request();
  attacker.get();
  std::printf("[attack] %lld hostile envelopes; alert took %lld ms; bravo max RSS %ld MiB\n",
              static_cast<long long>(sent), static_cast<long long>(took.count()), rss.max_mib());
  EXPECT_LE(rss.max_mib(), kRssBoundMiB);

  // Only the two-line message keeps the rule (line breaks are allowed):
  // one per round is listed, none of the others.
  auto bravo = service::open_node(dir(kBravo));
  const auto stored = bravo.store->snapshot(
      [&](store::Transaction& tx) { return tx.list_desk_messages(link, 100000); });
  EXPECT_EQ(static_cast<std::int64_t>(stored.size()), rounds);
  for (const auto& m : stored) {
    EXPECT_FALSE(has_unsafe_text(m.text)) << "bravo listed a desk message that breaks the rule";
  }
  // One envelope_content_refused or envelope_type_unknown row per hostile
  // envelope (the envelopes themselves are the signed record), and nothing
  // else of charlie's beyond its link going down.
  EXPECT_LE(events(kBravo) - events_before, sent + 10);
  std::this_thread::sleep_for(500ms);  // the monitor logs the events
  const std::string log_text = log(kBravo);
  EXPECT_EQ(log_text.find('\x1b'), std::string::npos) << "a terminal escape reached the log";
  EXPECT_EQ(log_text.find('\r'), std::string::npos);
  EXPECT_EQ(log_text.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_EQ(log_text.find("\n[2026-12-07 03:00:00.000] [info] event=forged"), std::string::npos)
      << "a peer forged a log line";
}

}  // namespace peer_attack_test
}  // namespace hotline::attack
