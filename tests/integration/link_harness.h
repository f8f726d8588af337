// Integration test harness for the link: two real `hotline serve` processes
// (alpha and bravo) on 127.0.0.1, optionally with a FaultProxy between them,
// plus in-process helpers that queue desk messages in a node's store and
// check afterwards, on both sides, that every envelope arrived exactly once
// and both hash chains are intact.
//
// Header-only: every integration test file is its own translation unit of
// the one `integration_tests` binary, so everything here is inline.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/link/chain_check.h"
#include "hotline/link/envelope.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/store.h"
#include "support/fault_proxy.h"
#include "support/process.h"

// The test code itself is compiled without the sanitizers (tests/CMakeLists.txt),
// so the build says so: HOTLINE_SANITIZED_BUILD.
#if defined(__SANITIZE_ADDRESS__) || (defined(HOTLINE_SANITIZED_BUILD) && HOTLINE_SANITIZED_BUILD)
#define HOTLINE_IT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOTLINE_IT_SANITIZED 1
#endif
#endif
#ifndef HOTLINE_IT_SANITIZED
#define HOTLINE_IT_SANITIZED 0
#endif

namespace hotline::it {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Loop sizes: the sanitizer build is several times slower (both the test and
// the `hotline` processes it starts), so it runs smaller streams.
inline constexpr bool kSanitized = HOTLINE_IT_SANITIZED != 0;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ---------------------------------------------------------------------------
// Ports

using hotline::testing::free_port;

// ---------------------------------------------------------------------------
// Texts and store helpers

// "msg 00042 from alpha": distinct per (party, index), sortable.
inline std::string msg_text(const std::string& party, std::int64_t i) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "msg %05lld from %s", static_cast<long long>(i), party.c_str());
  return buf;
}

inline std::vector<std::string> msg_texts(const std::string& party, std::int64_t first,
                                          std::int64_t n) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = first; i < first + n; ++i) out.push_back(msg_text(party, i));
  return out;
}

// Opens the node in `dir` in this process and queues desk messages with
// indices [first, first + n) for `peer` (each its own transaction, exactly
// like `hotline send`). `pause_every`/`pause` spread a stream out in time.
inline void enqueue(const fs::path& dir, const std::string& peer, std::int64_t n,
                    std::int64_t first = 0, std::int64_t pause_every = 0,
                    std::chrono::milliseconds pause = 0ms) {
  auto node = service::open_node(dir);
  for (std::int64_t i = first; i < first + n; ++i) {
    service::send_desk_message(node, peer, msg_text(node.party, i), now_ms());
    if (pause_every > 0 && (i - first + 1) % pause_every == 0) std::this_thread::sleep_for(pause);
  }
}

struct LinkCounts {
  std::int64_t envelopes = 0;  // count_envelopes(): every envelope of the store
  std::int64_t last_out = 0;
  std::int64_t last_in = 0;
  std::int64_t outbox = 0;
  std::int64_t receipted_out = 0;  // highest outbound seq with no queued item at or below it

  std::string str() const {
    std::ostringstream s;
    s << "envelopes=" << envelopes << " last_seq_out=" << last_out << " last_seq_in=" << last_in
      << " outbox=" << outbox << " receipted_out=" << receipted_out;
    return s.str();
  }
  bool operator==(const LinkCounts&) const = default;
  friend void PrintTo(const LinkCounts& c, std::ostream* os) { *os << c.str(); }
};

inline LinkCounts link_counts(store::Store& st, const std::string& link) {
  return st.snapshot([&](store::Transaction& tx) {
    LinkCounts c;
    c.envelopes = tx.count_envelopes();
    c.last_out = tx.last_seq(link, store::Direction::outbound);
    c.last_in = tx.last_seq(link, store::Direction::inbound);
    c.outbox = tx.outbox_length(link);
    auto pending = tx.pending_outbox(link, 1);
    c.receipted_out = pending.empty() ? c.last_out : pending[0].seq - 1;
    return c;
  });
}

inline std::string link_of(store::Store& st, const std::string& peer) {
  return service::find_peer(st, peer).link;
}

// Polls `dir`'s store (read transactions only) until the outbox of the link
// to `peer` is empty and at least `n` outbound envelopes are stored (so all
// of them are receipted). Heartbeats are envelopes too, so last_seq may
// exceed the number of desk messages queued. Returns false on timeout and
// prints how far delivery got.
inline bool wait_delivered(const fs::path& dir, const std::string& peer, std::int64_t n,
                           std::chrono::milliseconds timeout) {
  auto node = service::open_node(dir);
  auto link = link_of(*node.store, peer);
  auto deadline = Clock::now() + timeout;
  LinkCounts c;
  while (true) {
    c = link_counts(*node.store, link);
    if (c.outbox == 0 && c.last_out >= n) return true;
    if (Clock::now() > deadline) break;
    std::this_thread::sleep_for(50ms);
  }
  std::printf("[wait_delivered] %s -> %s timed out after %lld ms: %s (wanted >= %lld, outbox 0)\n",
              node.party.c_str(), peer.c_str(), static_cast<long long>(timeout.count()),
              c.str().c_str(), static_cast<long long>(n));
  return false;
}

// ---------------------------------------------------------------------------
// The end-to-end check of one direction of a link.

struct DirectionSummary {
  std::int64_t envelopes = 0;  // outbound on the sender == inbound on the receiver
  std::int64_t desk_messages = 0;
  std::map<std::string, std::int64_t> types;  // receiver's inbound envelopes by type

  std::string types_str() const {
    std::string out;
    for (const auto& [t, c] : types) out += (out.empty() ? "" : ", ") + t + "=" + std::to_string(c);
    return out;
  }
};

inline std::string first_findings(const link::ChainReport& r, std::size_t max = 15) {
  std::string s;
  for (std::size_t i = 0; i < r.findings.size() && i < max; ++i) s += "  " + r.findings[i] + "\n";
  if (r.findings.size() > max)
    s += "  ... and " + std::to_string(r.findings.size() - max) + " more\n";
  return s;
}

// Checks that everything `sender_dir` sent to its peer `peer_on_sender` (the
// node in `receiver_dir`) arrived exactly once, intact and in order:
//  - link::check_chain passes for the sender's outbound and the receiver's
//    inbound direction (seq 1..N without gap, digests, prev, signatures,
//    a receipt signed by the receiver for every envelope);
//  - the sender's outbox is empty, both sides hold the same N envelopes
//    with the same id and digest seq by seq;
//  - the receiver's inbound desk messages are exactly `expected_texts`,
//    in seq order, each once, and each carried by the envelope of that seq.
// Run it with both servers stopped (or idle), so that no new heartbeat is
// queued in between the reads of the two stores.
inline DirectionSummary expect_direction_intact(const fs::path& sender_dir,
                                                const std::string& peer_on_sender,
                                                const fs::path& receiver_dir,
                                                const std::vector<std::string>& expected_texts) {
  DirectionSummary sum;
  auto sender = service::open_node(sender_dir);
  auto receiver = service::open_node(receiver_dir);
  SCOPED_TRACE("direction " + sender.party + " -> " + receiver.party);
  auto link = link_of(*sender.store, peer_on_sender);
  const auto& s_key = sender.identity.public_key();
  const auto& r_key = receiver.identity.public_key();
  EXPECT_EQ(link, link::link_id(s_key, r_key));

  // The two chain checks (a signature check per envelope and per receipt)
  // run side by side; each thread uses its own read transaction.
  auto in_future = std::async(std::launch::async, [&] {
    auto tx = receiver.store->read();
    return link::check_chain(*tx, link, store::Direction::inbound, s_key, r_key);
  });
  auto stx = sender.store->read();
  auto out = link::check_chain(*stx, link, store::Direction::outbound, s_key, r_key);
  auto in = in_future.get();
  auto rtx = receiver.store->read();
  EXPECT_TRUE(out.ok()) << "sender's outbound chain: " << out.findings.size() << " findings\n"
                        << first_findings(out);
  EXPECT_TRUE(in.ok()) << "receiver's inbound chain: " << in.findings.size() << " findings\n"
                       << first_findings(in);
  EXPECT_EQ(stx->outbox_length(link), 0) << "sender still has queued envelopes";
  EXPECT_EQ(out.envelopes, in.envelopes)
      << "sender stored " << out.envelopes << " outbound, receiver " << in.envelopes << " inbound";
  EXPECT_EQ(out.receipts, out.envelopes) << "outbound envelopes without a receipt on the sender";
  EXPECT_EQ(in.receipts, in.envelopes) << "inbound envelopes without a receipt on the receiver";
  EXPECT_EQ(stx->last_seq(link, store::Direction::outbound), out.envelopes);
  EXPECT_EQ(rtx->last_seq(link, store::Direction::inbound), in.envelopes);
  sum.envelopes = in.envelopes;

  // Seq by seq: same id, same digest, same bytes; receipts agree.
  std::int64_t after = 0, compared = 0, digest_mismatches = 0, receipt_mismatches = 0;
  std::map<std::string, std::int64_t> desk_seq_by_id;  // receiver's desk.message envelopes
  while (true) {
    auto a = stx->list_envelopes(link, store::Direction::outbound, after, 1000);
    auto b = rtx->list_envelopes(link, store::Direction::inbound, after, 1000);
    if (a.empty() && b.empty()) break;
    auto k = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < k; ++i) {
      ++compared;
      if (a[i].seq != b[i].seq || a[i].id != b[i].id || a[i].digest != b[i].digest ||
          a[i].canonical != b[i].canonical) {
        if (++digest_mismatches <= 5)
          ADD_FAILURE() << "seq " << a[i].seq << "/" << b[i].seq << ": sender id " << a[i].id
                        << " digest " << a[i].digest << " vs receiver id " << b[i].id << " digest "
                        << b[i].digest;
      }
      auto ra = stx->find_receipt(link, store::Direction::outbound, a[i].seq);
      auto rb = rtx->find_receipt(link, store::Direction::inbound, b[i].seq);
      if (!ra || !rb || ra->canonical != rb->canonical) {
        if (++receipt_mismatches <= 5)
          ADD_FAILURE() << "seq " << a[i].seq << ": the receipt the sender holds is not the one "
                        << "the receiver issued (sender has " << (ra ? "one" : "none")
                        << ", receiver has " << (rb ? "one" : "none") << ")";
      }
      ++sum.types[b[i].type];
      if (b[i].type == service::kDeskMessage) desk_seq_by_id[b[i].id] = b[i].seq;
    }
    if (a.size() != b.size()) {
      ADD_FAILURE() << "the two sides' envelope lists diverge after seq " << after << " ("
                    << a.size() << " vs " << b.size() << " in this page)";
      break;
    }
    after = a.back().seq;
  }
  EXPECT_EQ(digest_mismatches, 0);
  EXPECT_EQ(receipt_mismatches, 0);
  EXPECT_EQ(compared, sum.envelopes);

  // Desk messages on the receiver: each expected text exactly once, in seq
  // order, and each listed against the envelope that carried it.
  auto all = rtx->list_desk_messages(link, 10'000'000);
  std::vector<store::DeskMessageRecord> inbound;
  for (auto& m : all)
    if (m.direction == store::Direction::inbound) inbound.push_back(std::move(m));
  std::stable_sort(inbound.begin(), inbound.end(),
                   [](const auto& x, const auto& y) { return x.seq < y.seq; });
  sum.desk_messages = static_cast<std::int64_t>(inbound.size());
  EXPECT_EQ(inbound.size(), expected_texts.size()) << "inbound desk messages on the receiver";
  EXPECT_EQ(desk_seq_by_id.size(), expected_texts.size())
      << "desk.message envelopes on the receiver";
  std::set<std::string> seen;
  std::int64_t text_errors = 0, prev_seq = 0;
  for (std::size_t i = 0; i < inbound.size(); ++i) {
    const auto& m = inbound[i];
    bool dup = !seen.insert(m.text).second;
    bool wrong = i >= expected_texts.size() || m.text != expected_texts[i];
    auto it = desk_seq_by_id.find(m.envelope_id);
    bool unbacked = it == desk_seq_by_id.end() || it->second != m.seq;
    bool order = m.seq <= prev_seq;
    prev_seq = m.seq;
    if (dup || wrong || unbacked || order) {
      if (++text_errors <= 5)
        ADD_FAILURE() << "desk message #" << i << " seq " << m.seq << " text \"" << m.text << "\""
                      << (dup ? " (duplicate)" : "")
                      << (wrong ? " (expected \"" +
                                      (i < expected_texts.size() ? expected_texts[i] : "-") + "\")"
                                : "")
                      << (unbacked ? " (no desk.message envelope with that id and seq)" : "")
                      << (order ? " (seq not ascending)" : "");
    }
  }
  EXPECT_EQ(text_errors, 0);
  // And the sender's own record of what it sent agrees.
  std::int64_t sent = 0;
  for (const auto& m : stx->list_desk_messages(link, 10'000'000))
    if (m.direction == store::Direction::outbound) ++sent;
  EXPECT_EQ(sent, static_cast<std::int64_t>(expected_texts.size()))
      << "outbound desk messages on the sender";
  return sum;
}

// Calls fetch() every 200 ms until pred(result) holds or `timeout` passes;
// returns the last result.
template <class Fn, class Pred>
nlohmann::json poll_json(Fn fetch, Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  nlohmann::json j = fetch();
  while (!pred(j) && Clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    j = fetch();
  }
  return j;
}

// ---------------------------------------------------------------------------
// Running the CLI

inline std::string hotline_bin() {
  return HOTLINE_BIN;
}

inline std::string tail_lines(const std::string& text, std::size_t n) {
  std::size_t pos = text.size();
  std::size_t count = 0;
  while (pos > 0) {
    auto nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      pos = 0;
      break;
    }
    if (nl + 1 < text.size() && ++count > n) {
      pos = nl + 1;
      break;
    }
    pos = nl;
  }
  return text.substr(pos);
}

// ---------------------------------------------------------------------------
// The fixture: two nodes and their `hotline serve` processes.

struct TwoNodesOptions {
  // alpha reaches bravo through a FaultProxy (bravo -> alpha stays direct).
  bool proxy_alpha_to_bravo = false;
  std::int64_t heartbeat_s = 3600;  // only the heartbeat at each start
  std::optional<int> max_body_mib;
  bool peer_alpha_on_bravo = true;      // bravo knows alpha
  bool peer_bravo_on_alpha = true;      // alpha knows bravo
  std::vector<std::string> serve_args;  // more arguments of both `hotline serve`
};

class TwoNodes : public ::testing::Test {
 public:
  enum Side { kAlpha = 0, kBravo = 1 };

  using Options = TwoNodesOptions;

  struct NodeRuntime {
    std::string name;
    fs::path dir;
    std::uint16_t op_port = 0, peer_port = 0;
    std::unique_ptr<testing::Process> proc;
    std::vector<fs::path> logs;  // stderr of every run, oldest first
    int starts = 0;
    std::string key;  // base64url public key
  };

 protected:
  void TearDown() override {
    if (HasFailure()) dump_logs();
    for (auto& n : nodes_) n.proc.reset();  // SIGKILL whatever still runs
    proxy_.reset();
  }

  // Inits both nodes and peers them. Call first in each test.
  void setup(Options opt = {}) {
    opt_ = opt;
    const char* names[2] = {"alpha", "bravo"};
    for (int i = 0; i < 2; ++i) {
      auto& n = nodes_[i];
      n.name = names[i];
      n.dir = scratch_ / n.name;
      n.op_port = free_port();
      n.peer_port = free_port();
      auto r = cli({"init", "--dir", n.dir.string(), "--party", n.name});
      ASSERT_EQ(r.exit_code, 0) << "init " << n.name << ": " << r.err << r.out;
      n.key = service::read_public_key(n.dir).encoded();
    }
    std::uint16_t bravo_port_for_alpha = nodes_[kBravo].peer_port;
    if (opt.proxy_alpha_to_bravo) {
      proxy_ = std::make_unique<testing::FaultProxy>(nodes_[kBravo].peer_port);
      bravo_port_for_alpha = proxy_->port();
    }
    if (opt.peer_bravo_on_alpha) {
      auto r = cli({"peer", "add", "--dir", dir(kAlpha).string(), "--name", "bravo", "--url",
                    "https://127.0.0.1:" + std::to_string(bravo_port_for_alpha), "--key",
                    nodes_[kBravo].key});
      ASSERT_EQ(r.exit_code, 0) << "peer add bravo: " << r.err << r.out;
    }
    if (opt.peer_alpha_on_bravo) {
      auto r = cli({"peer", "add", "--dir", dir(kBravo).string(), "--name", "alpha", "--url",
                    "https://127.0.0.1:" + std::to_string(nodes_[kAlpha].peer_port), "--key",
                    nodes_[kAlpha].key});
      ASSERT_EQ(r.exit_code, 0) << "peer add alpha: " << r.err << r.out;
    }
  }

  const fs::path& dir(Side s) const { return nodes_[s].dir; }
  NodeRuntime& node(Side s) { return nodes_[s]; }
  testing::FaultProxy& proxy() { return *proxy_; }
  const fs::path& scratch() const { return scratch_.path(); }
  static const char* peer_name_of(Side s) { return s == kAlpha ? "bravo" : "alpha"; }

  testing::RunResult cli(std::vector<std::string> args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    args.insert(args.begin(), hotline_bin());
    auto prefix = scratch_ / ("cli-" + std::to_string(++cli_runs_));
    return testing::run(std::move(args), prefix, timeout);
  }

  // Starts `hotline serve` for one side on its fixed ports and waits until
  // it wrote run/serve.json with its pid (both listeners up). With
  // wait_ready=false it returns right after spawning.
  void start(Side s, bool wait_ready = true) {
    auto& n = nodes_[s];
    ASSERT_FALSE(n.proc && n.proc->running()) << n.name << " is already running";
    std::vector<std::string> args = {hotline_bin(),
                                     "serve",
                                     "--dir",
                                     n.dir.string(),
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(n.op_port),
                                     "--peer-listen",
                                     "127.0.0.1:" + std::to_string(n.peer_port),
                                     "--heartbeat-interval",
                                     std::to_string(opt_.heartbeat_s)};
    if (opt_.max_body_mib) {
      args.push_back("--max-body-mib");
      args.push_back(std::to_string(*opt_.max_body_mib));
    }
    args.insert(args.end(), opt_.serve_args.begin(), opt_.serve_args.end());
    auto prefix = scratch_ / (n.name + "-serve-" + std::to_string(++n.starts));
    n.logs.push_back(fs::path(prefix.string() + ".err"));
    n.proc = std::make_unique<testing::Process>(args, prefix);
    if (wait_ready) {
      ASSERT_TRUE(wait_ready_(s)) << n.name << " did not come up";
    }
  }

  bool wait_ready_(Side s, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto& n = nodes_[s];
    auto status = n.dir / "run" / "serve.json";
    const std::string pid = "\"pid\": " + std::to_string(n.proc->pid());
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!n.proc->running()) {
        std::printf("[%s] serve exited early:\n%s\n", n.name.c_str(),
                    tail_lines(n.proc->err(), 40).c_str());
        return false;
      }
      std::error_code ec;
      if (fs::exists(status, ec) && testing::read_file(status).find(pid) != std::string::npos)
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // SIGTERM and a clean exit (code 0) within 20 s.
  void stop(Side s) {
    auto& n = nodes_[s];
    ASSERT_TRUE(n.proc) << n.name << " was never started";
    n.proc->signal(SIGTERM);
    auto code = n.proc->wait_for(20s);
    if (!code) {
      n.proc->signal(SIGKILL);
      n.proc->wait_for(5s);
      FAIL() << n.name << " did not stop within 20 s of SIGTERM";
    }
    EXPECT_EQ(*code, 0) << n.name << " exited with " << *code << " after SIGTERM";
  }

  // SIGKILL: no chance to clean up.
  void kill(Side s) {
    auto& n = nodes_[s];
    ASSERT_TRUE(n.proc);
    n.proc->signal(SIGKILL);
    auto code = n.proc->wait_for(10s);
    ASSERT_TRUE(code.has_value()) << n.name << " survived SIGKILL";
  }

  void restart(Side s, bool wait_ready = true) {
    kill(s);
    start(s, wait_ready);
  }

  void sigstop(Side s) { nodes_[s].proc->signal(SIGSTOP); }
  void sigcont(Side s) { nodes_[s].proc->signal(SIGCONT); }

  // Both nodes up and the default agreement in force on both: alpha
  // proposes, bravo accepts, through the CLI as a duty officer would.
  void start_linked(Options opt = {}) {
    ASSERT_NO_FATAL_FAILURE(setup(opt));
    ASSERT_NO_FATAL_FAILURE(start(kAlpha));
    ASSERT_NO_FATAL_FAILURE(start(kBravo));
    auto r = cli({"agreement", "propose", "--dir", dir(kAlpha).string(), "--peer", "bravo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Accepting works once the proposal has arrived.
    ASSERT_TRUE(testing::eventually(
        [&] {
          return cli({"agreement", "accept", "--dir", dir(kBravo).string(), "--peer", "alpha"})
                     .exit_code == 0;
        },
        std::chrono::seconds(20)))
        << "the proposal never reached bravo";
    ASSERT_TRUE(testing::eventually(
        [&] {
          auto node = service::open_node(dir(kAlpha));
          return node.store->snapshot([&](store::Transaction& tx) {
            return service::agreement_in_force(tx, link_of(*node.store, "bravo")).has_value();
          });
        },
        std::chrono::seconds(20)))
        << "the acceptance never reached alpha";
  }

  // `hotline ARGS --dir <side's dir>`.
  testing::RunResult on(Side s, std::vector<std::string> args) {
    args.push_back("--dir");
    args.push_back(dir(s).string());
    return cli(std::move(args));
  }

  // Runs a command that must succeed and returns its output.
  std::string ok(Side s, std::vector<std::string> args) {
    std::string what;
    for (const auto& a : args) what += a + " ";
    auto r = on(s, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << nodes_[s].name << ": hotline " << what << "\n" << r.err << r.out;
    return r.out;
  }

  // All stderr of one side, every run concatenated.
  std::string log(Side s) const {
    std::string all;
    for (const auto& p : nodes_[s].logs) all += testing::read_file(p);
    return all;
  }

  // `peer list --json` of one side, the entry for its peer.
  nlohmann::json peer_entry(Side s) {
    auto r = cli({"peer", "list", "--dir", dir(s).string(), "--json"});
    if (r.exit_code != 0) {
      ADD_FAILURE() << "peer list failed: " << r.err;
      return nlohmann::json::object();
    }
    auto arr = nlohmann::json::parse(r.out);
    for (const auto& e : arr)
      if (e.value("name", "") == peer_name_of(s)) return e;
    ADD_FAILURE() << "peer list of " << nodes_[s].name << " lacks " << peer_name_of(s) << ": "
                  << r.out;
    return nlohmann::json::object();
  }

  // Both links' state as the stores see it: {alpha's counts, bravo's counts}.
  std::pair<LinkCounts, LinkCounts> both_counts() {
    auto a = service::open_node(dir(kAlpha));
    auto b = service::open_node(dir(kBravo));
    return {link_counts(*a.store, link_of(*a.store, "bravo")),
            link_counts(*b.store, link_of(*b.store, "alpha"))};
  }
  static bool settled(const std::pair<LinkCounts, LinkCounts>& c) {
    return c.first.outbox == 0 && c.second.outbox == 0 && c.first.last_out == c.second.last_in &&
           c.second.last_out == c.first.last_in;
  }

  // Stops both nodes with nothing in flight. A running node queues envelopes
  // of its own at any time (heartbeats, signed tree heads after a burst), so
  // "both outboxes empty and each side holds all the other sent" is checked
  // again after the stop; if something was queued in between, both are
  // started again to deliver it (at most 3 rounds).
  void settle_and_stop(std::chrono::milliseconds timeout = 60s) {
    for (int round = 0; round < 3; ++round) {
      auto deadline = Clock::now() + timeout;
      auto prev = both_counts();
      while (true) {
        std::this_thread::sleep_for(300ms);
        auto now = both_counts();
        if (settled(now) && now == prev) break;
        prev = now;
        ASSERT_LT(Clock::now(), deadline) << "the link never settled: alpha " << now.first.str()
                                          << "; bravo " << now.second.str();
      }
      ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
      ASSERT_NO_FATAL_FAILURE(stop(kBravo));
      auto after = both_counts();
      if (settled(after)) return;
      std::printf("[settle] something was queued while stopping (alpha %s; bravo %s); again\n",
                  after.first.str().c_str(), after.second.str().c_str());
      ASSERT_NO_FATAL_FAILURE(start(kAlpha));
      ASSERT_NO_FATAL_FAILURE(start(kBravo));
    }
    FAIL() << "the nodes kept queueing envelopes while being stopped";
  }

  // `peer list --json` of one side agrees with its store: connected, nothing
  // queued, the same sequence numbers. Polls, as the node mirrors its state
  // into the store about once a second and may queue a tree head meanwhile.
  void expect_peer_list_matches_store(Side s, std::chrono::milliseconds timeout = 15s) {
    SCOPED_TRACE("peer list of " + nodes_[s].name);
    auto n = service::open_node(dir(s));
    auto link = link_of(*n.store, peer_name_of(s));
    nlohmann::json e;
    LinkCounts c;
    auto deadline = Clock::now() + timeout;
    while (true) {
      e = peer_entry(s);
      c = link_counts(*n.store, link);
      bool ok = e.value("connected", false) && e.value("queue", -1) == 0 && c.outbox == 0 &&
                e.value("last_seq_out", -1) == c.last_out &&
                e.value("last_receipted_out", -1) == c.last_out &&
                e.value("last_seq_in", -1) == c.last_in;
      if (ok || Clock::now() > deadline) break;
      std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(e.value("connected", false), true) << e.dump();
    EXPECT_EQ(e.value("queue", -1), 0) << e.dump();
    EXPECT_EQ(e.value("last_seq_out", -1), c.last_out) << e.dump();
    EXPECT_EQ(e.value("last_receipted_out", -1), c.last_out) << e.dump();
    EXPECT_EQ(e.value("last_seq_in", -1), c.last_in) << e.dump();
    EXPECT_TRUE(e["last_error"].is_null()) << e.dump();
    EXPECT_EQ(e.value("link", ""), link) << e.dump();
    EXPECT_EQ(e.value("public_key", ""), nodes_[s == kAlpha ? kBravo : kAlpha].key) << e.dump();
  }

  // The running node mirrors its worker's state into the store about once a
  // second; waits for `peer list` to say connected.
  nlohmann::json poll_until_connected(Side s, std::chrono::milliseconds timeout = 10s) {
    return poll_json([&] { return peer_entry(s); },
                     [](const nlohmann::json& e) { return e.value("connected", false); }, timeout);
  }

  void dump_logs() {
    for (const auto& n : nodes_) {
      std::printf("==== %s: %d serve run(s), logs in %s\n", n.name.c_str(), n.starts,
                  scratch_.path().c_str());
      // Warnings and errors of every run, then the tail of the last runs.
      std::size_t shown = 0;
      for (const auto& p : n.logs) {
        std::istringstream in(testing::read_file(p));
        std::string line;
        while (std::getline(in, line)) {
          if ((line.find("level=warning") != std::string::npos ||
               line.find("level=error") != std::string::npos ||
               line.find("level=critical") != std::string::npos) &&
              ++shown <= 40)
            std::printf("  [%s] %s\n", p.filename().c_str(), line.c_str());
        }
      }
      if (shown > 40) std::printf("  ... %zu warning/error lines in all\n", shown);
      std::size_t from = n.logs.size() > 2 ? n.logs.size() - 2 : 0;
      for (std::size_t i = from; i < n.logs.size(); ++i) {
        std::printf("---- tail of %s\n%s\n", n.logs[i].filename().c_str(),
                    tail_lines(testing::read_file(n.logs[i]), 40).c_str());
      }
    }
    std::fflush(stdout);
  }

  testing::ScratchDir scratch_;
  Options opt_;
  std::array<NodeRuntime, 2> nodes_;
  std::unique_ptr<testing::FaultProxy> proxy_;
  int cli_runs_ = 0;
};

}  // namespace hotline::it
