// The receiving end, in-process against a real SQLite store: sequence,
// duplicates, conflicts, gaps and forged input, and that a refused line
// changes nothing. The delivery worker is exercised against the receiver
// through an in-process Transport.
#include "hotline/link/receiver.h"
#include "hotline/common/error_category.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <thread>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/link/chain_check.h"
#include "hotline/link/delivery.h"
#include "hotline/link/outbound.h"
#include "hotline/store/open.h"

namespace hotline::link {
namespace receiver_test {

using store::Direction;
namespace fs = std::filesystem;

class ReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-recv-" + crypto::new_id());
    fs::create_directories(dir_);
    sender_store_ = store::open_sqlite(dir_ / "a.db");
    receiver_store_ = store::open_sqlite(dir_ / "b.db");
  }
  void TearDown() override {
    sender_store_.reset();
    receiver_store_.reset();
    fs::remove_all(dir_);
  }

  // Envelopes 1..n from alpha to bravo, stored on alpha's side.
  std::vector<std::string> make_envelopes(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      sender_store_->transact([&](store::Transaction& tx) {
        OutboundDraft d;
        d.type = "desk.message";
        d.body = {{"text", "message " + std::to_string(i)}};
        out.push_back(canonical(append_outbound(tx, alpha_ctx, d, now_ms())));
      });
    }
    return out;
  }

  ReceiveOutcome receive(const std::string& batch) {
    return receive_batch(
        *receiver_store_, bravo_ctx, batch, [] { return now_ms(); },
        [this](store::Transaction&, const Envelope& e, const std::string&) {
          applied.push_back(e.seq);
        });
  }

  std::int64_t stored() {
    return receiver_store_->snapshot([](store::Transaction& tx) { return tx.count_envelopes(); });
  }

  // The receiver's answer to a batch, as the peer's HTTP reply. Like a node,
  // it stores a link's batches in seq order when two arrive at once (a
  // worker keeps two in flight on a transport that allows it).
  Transport::Reply answer(const std::string& batch) {
    ReceiveOrder::Ticket ticket(order_, bravo_ctx.link);
    auto out = receive_batch(
        *receiver_store_, bravo_ctx, batch, [] { return now_ms(); },
        [this](store::Transaction&, const Envelope& e, const std::string&) {
          applied.push_back(e.seq);
        },
        &ticket);
    return Transport::Reply{out.error ? http_status(out.error->category) : 200, out.to_json()};
  }

  // Envelopes still queued at the sender.
  std::int64_t outbox() {
    return sender_store_->snapshot(
        [&](store::Transaction& tx) { return tx.outbox_length(alpha_ctx.link); });
  }

  // Waits (at most 10 s) until the sender's outbox is empty.
  void wait_outbox_empty() {
    for (int i = 0; i < 500 && outbox() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // The sender's outbound chain, checked with the receipts it stored.
  ChainReport sender_chain() {
    return sender_store_->snapshot([&](store::Transaction& tx) {
      return check_chain(tx, alpha_ctx.link, Direction::outbound, alpha.public_key(),
                         bravo.public_key());
    });
  }

  fs::path dir_;
  crypto::KeyPair alpha = crypto::KeyPair::generate();
  crypto::KeyPair bravo = crypto::KeyPair::generate();
  LinkContext alpha_ctx{alpha, bravo.public_key(), "bravo"};
  LinkContext bravo_ctx{bravo, alpha.public_key(), "alpha"};
  std::unique_ptr<store::Store> sender_store_, receiver_store_;
  std::vector<std::int64_t> applied;
  // Long enough for a loaded machine: these tests are not about the limits.
  ReceiveOrder order_{std::chrono::seconds(10), std::chrono::seconds(5)};
};

TEST_F(ReceiverTest, StoresABatchAndSignsReceipts) {
  auto envs = make_envelopes(3);
  auto out = receive(envs[0] + "\n" + envs[1] + "\n" + envs[2] + "\n");
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.receipts.size(), 3u);
  EXPECT_EQ(applied, (std::vector<std::int64_t>{1, 2, 3}));
  for (std::size_t i = 0; i < 3; ++i) {
    Receipt r = parse_receipt(out.receipts[i]);
    EXPECT_NO_THROW(verify_signature(r, bravo.public_key()));
    EXPECT_EQ(r.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(r.envelope, to_hex(crypto::sha256(envs[i])));
    // The batch's envelopes come first in the log, then their receipts.
    EXPECT_EQ(r.index, static_cast<std::int64_t>(i));
    // One signature for the batch; each receipt carries its own path.
    EXPECT_EQ(r.v, 2);
    ASSERT_TRUE(r.batch);
    EXPECT_EQ(r.batch->size, 3);
    EXPECT_EQ(r.batch->position, static_cast<std::int64_t>(i));
    EXPECT_EQ(r.sig, parse_receipt(out.receipts[0]).sig);
  }
  auto report = receiver_store_->snapshot([&](store::Transaction& tx) {
    return check_chain(tx, bravo_ctx.link, Direction::inbound, alpha.public_key(),
                       bravo.public_key());
  });
  EXPECT_TRUE(report.ok()) << report.findings.front();
  EXPECT_EQ(report.envelopes, 3);
}

TEST_F(ReceiverTest, DuplicateGetsTheOriginalReceipt) {
  auto envs = make_envelopes(2);
  auto first = receive(envs[0]);
  ASSERT_FALSE(first.error);
  auto again = receive(envs[0] + "\n" + envs[1]);
  ASSERT_FALSE(again.error);
  ASSERT_EQ(again.receipts.size(), 2u);
  EXPECT_EQ(again.receipts[0], first.receipts[0]);  // byte for byte
  EXPECT_EQ(again.stored.size(), 1u);               // only seq 2 is new
  EXPECT_EQ(stored(), 2);
  EXPECT_EQ(applied, (std::vector<std::int64_t>{1, 2}));  // the duplicate had no second effect
}

TEST_F(ReceiverTest, GapIsRefusedWithTheExpectedSeq) {
  auto envs = make_envelopes(3);
  auto out = receive(envs[2]);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "seq_gap");
  EXPECT_EQ(http_status(out.error->category), 409);
  EXPECT_EQ(out.error->expected_seq, 1);
  EXPECT_EQ(stored(), 0);
}

TEST_F(ReceiverTest, ConflictingHistoryIsRefused) {
  auto envs = make_envelopes(1);
  ASSERT_FALSE(receive(envs[0]).error);
  // Another seq 1 from alpha with other content (a rewritten history),
  // built in a second copy of alpha's store.
  auto rewritten = store::open_sqlite(dir_ / "a-rewritten.db");
  std::string other = rewritten->transact([&](store::Transaction& tx) {
    OutboundDraft d;
    d.type = "desk.message";
    d.body = {{"text", "not what was sent"}};
    return canonical(append_outbound(tx, alpha_ctx, d, now_ms()));
  });
  auto out = receive(other);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_conflict");
  EXPECT_EQ(stored(), 1);
}

TEST_F(ReceiverTest, BrokenPrevIsRefused) {
  auto envs = make_envelopes(2);
  ASSERT_FALSE(receive(envs[0]).error);
  // A validly signed seq 2 whose prev is not seq 1's digest.
  Envelope e = parse_envelope(envs[1]);
  e.prev = std::string(64, 'a');
  e = seal(e, alpha);
  auto out = receive(canonical(e));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "prev_mismatch");
  EXPECT_EQ(stored(), 1);
}

TEST_F(ReceiverTest, ForgedAndMisaddressedAreRefusedBeforeStorage) {
  auto envs = make_envelopes(1);
  Envelope e = parse_envelope(envs[0]);
  Envelope forged = e;
  forged.body["text"] = "changed";
  auto out = receive(canonical(forged));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "envelope_bad_signature");
  EXPECT_EQ(http_status(out.error->category), 403);

  Envelope other_link = e;
  other_link.link = std::string(32, '0');
  other_link = seal(other_link, alpha);
  out = receive(canonical(other_link));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "link_mismatch");
  EXPECT_EQ(stored(), 0);
  EXPECT_TRUE(applied.empty());
}

TEST_F(ReceiverTest, BadLineEndsTheBatchButKeepsWhatCameBefore) {
  auto envs = make_envelopes(3);
  auto out = receive(envs[0] + "\n{not json\n" + envs[1]);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "json_malformed");
  EXPECT_EQ(out.error->line, 1);
  EXPECT_EQ(out.receipts.size(), 1u);
  EXPECT_EQ(stored(), 1);
}

TEST_F(ReceiverTest, EmptyAndOverlongBatches) {
  EXPECT_EQ(receive("").error->code, "batch_empty");
  auto envs = make_envelopes(1);
  std::string big;
  for (std::size_t i = 0; i <= kMaxBatchEnvelopes; ++i) big += envs[0] + "\n";
  auto out = receive(big);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "batch_too_large");
  // The first copy is stored; the repeats within the batch are duplicates
  // and get its receipt, byte for byte.
  EXPECT_EQ(stored(), 1);
  ASSERT_EQ(out.receipts.size(), kMaxBatchEnvelopes);
  EXPECT_EQ(out.receipts.back(), out.receipts.front());
  EXPECT_FALSE(out.receipts.front().empty());
}

// The worker against the receiver through an in-process transport that
// loses every third reply: everything still arrives exactly once.
class LossyTransport : public Transport {
 public:
  LossyTransport(std::function<Reply(const std::string&)> fn) : fn_(std::move(fn)) {}
  Reply post_envelopes(const std::string& batch) override {
    Reply r = fn_(batch);
    if (++calls_ % 3 == 0)
      throw Error(ErrorCategory::unavailable, "link_unreachable", "reply lost (test)");
    return r;
  }

 private:
  std::function<Reply(const std::string&)> fn_;
  int calls_ = 0;
};

TEST_F(ReceiverTest, WorkerDeliversExactlyOnceDespiteLostReplies) {
  make_envelopes(50);
  auto transport =
      std::make_unique<LossyTransport>([&](const std::string& batch) { return answer(batch); });
  DeliveryOptions opt;
  opt.max_batch = 7;
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  int rounds = 0;
  while (rounds++ < 100) {
    try {
      if (worker.deliver_once() == 0) break;
    } catch (const Error&) {
    }
  }
  EXPECT_EQ(outbox(), 0);
  EXPECT_EQ(stored(), 50);
  std::vector<std::int64_t> expected(50);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(applied, expected);
  auto out_report = sender_chain();
  EXPECT_TRUE(out_report.ok()) << out_report.findings.front();
  EXPECT_EQ(out_report.receipts, 50);
}

// Two batches in flight on two "connections" (threads), the first of each
// pair held back so that the second reaches the receiver first: the
// receiver's ReceiveOrder stores them in seq order, so no batch is refused
// and every envelope arrives once, in order.
class TwoLaneTransport : public Transport {
 public:
  explicit TwoLaneTransport(std::function<Reply(const std::string&)> fn) : fn_(std::move(fn)) {}
  Reply post_envelopes(const std::string& batch) override {
    const int call = calls_.fetch_add(1);
    const int now = ++in_flight_;
    int seen = max_in_flight_seen_.load();
    while (now > seen && !max_in_flight_seen_.compare_exchange_weak(seen, now)) {
    }
    if (call % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(30));
    Reply r = fn_(batch);
    --in_flight_;
    if (r.status != 200) ++refused_;
    return r;
  }
  std::size_t max_in_flight() const override { return 2; }

  std::atomic<int> calls_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_seen_{0};
  std::atomic<int> refused_{0};

 private:
  std::function<Reply(const std::string&)> fn_;
};

TEST_F(ReceiverTest, TwoBatchesInFlightAreStoredInSeqOrder) {
  make_envelopes(60);
  // answer() takes the batches through the fixture's ReceiveOrder.
  auto transport =
      std::make_unique<TwoLaneTransport>([&](const std::string& batch) { return answer(batch); });
  auto* lanes = transport.get();
  DeliveryOptions opt;
  opt.max_batch = 6;
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  worker.start();
  worker.notify();
  wait_outbox_empty();
  worker.stop();
  EXPECT_EQ(outbox(), 0);
  EXPECT_EQ(lanes->max_in_flight_seen_.load(), 2);  // the pairs did overlap
  EXPECT_EQ(lanes->refused_.load(), 0);             // no seq_gap: the order held
  EXPECT_EQ(stored(), 60);
  std::vector<std::int64_t> expected(60);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(applied, expected);
}

// Hands every batch to `fn` (which answers it, usually through the
// receiver, and may rewrite the reply), on two "connections" (threads),
// counting the calls.
class CountingTransport : public Transport {
 public:
  explicit CountingTransport(std::function<Reply(const std::string&)> fn) : fn_(std::move(fn)) {}
  Reply post_envelopes(const std::string& batch) override {
    ++calls_;
    return fn_(batch);
  }
  std::size_t max_in_flight() const override { return 2; }
  std::atomic<int> calls_{0};

 private:
  std::function<Reply(const std::string&)> fn_;
};

// Storing receipts needs our own store's writer, which another caller may
// hold for a while (a producer queueing many envelopes in one transaction).
// The worker goes on sending meanwhile, up to a bound, so that the peer is
// never idle on our account; once the writer is free every receipt is
// stored, in seq order.
TEST_F(ReceiverTest, SendingGoesOnWhileOurStoreIsBusy) {
  make_envelopes(60);
  auto transport =
      std::make_unique<CountingTransport>([&](const std::string& batch) { return answer(batch); });
  auto* counting = transport.get();
  DeliveryOptions opt;
  opt.max_batch = 6;  // 10 batches
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  std::mutex mu;
  std::vector<std::int64_t> delivered;
  worker.on_delivered([&](std::int64_t seq) {
    std::lock_guard lock(mu);
    delivered.push_back(seq);
  });

  // Hold the sender's writer until the worker has sent 6 batches (or 10 s).
  std::atomic<bool> release{false};
  std::thread holder([&] {
    auto tx = sender_store_->write();
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    tx->commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the holder has the writer
  worker.start();
  worker.notify();
  for (int i = 0; i < 1000 && counting->calls_ < 6; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int sent_while_held = counting->calls_;
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(delivered.empty());  // nothing could be stored yet
  }
  release = true;
  holder.join();
  EXPECT_GE(sent_while_held, 6);
  // Bounded: two on the wire, one answered in the worker's hand, four
  // waiting for the store and one being stored.
  EXPECT_LE(sent_while_held, 8);

  wait_outbox_empty();
  worker.stop();
  EXPECT_EQ(outbox(), 0);
  EXPECT_EQ(stored(), 60);
  std::lock_guard lock(mu);
  ASSERT_FALSE(delivered.empty());
  EXPECT_TRUE(std::is_sorted(delivered.begin(), delivered.end()));
  EXPECT_EQ(delivered.back(), 60);
  auto report = sender_chain();
  EXPECT_TRUE(report.ok()) << report.findings.front();
  EXPECT_EQ(report.receipts, 60);
}

// A reply whose receipt does not verify stops the round: the receipts of
// the batches before it are kept, that batch and every later one (already
// answered or not) stay queued, and nothing is stored from them. Once the
// peer answers honestly again, all is delivered exactly once.
TEST_F(ReceiverTest, AForgedReceiptStopsTheRoundAndKeepsTheRest) {
  make_envelopes(30);
  std::atomic<bool> forge{true};
  auto transport = std::make_unique<CountingTransport>([&](const std::string& batch) {
    Transport::Reply r = answer(batch);
    auto doc = nlohmann::json::parse(r.body);
    if (forge && doc["receipts"][0]["seq"] == 11) {  // the third batch, each time it is sent
      doc["receipts"][0]["received_at"] = "2026-01-01T00:00:00.000Z";
      r.body = doc.dump();
    }
    return r;
  });
  DeliveryOptions opt;
  opt.max_batch = 5;  // 6 batches; the third one's reply is forged
  opt.initial_backoff = std::chrono::milliseconds(50);
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  worker.start();
  worker.notify();
  for (int i = 0; i < 500 && !worker.status().last_error; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  worker.stop();
  ASSERT_TRUE(worker.status().last_error);
  EXPECT_NE(worker.status().last_error->find("seq 11"), std::string::npos)
      << *worker.status().last_error;
  // Batches 1 and 2 receipted; 3 (forged) and everything after it queued,
  // although the peer holds some of them: they will come back as duplicates.
  EXPECT_EQ(outbox(), 20);
  EXPECT_GE(stored(), 15);

  forge = false;
  worker.start();
  worker.notify();
  wait_outbox_empty();
  worker.stop();
  EXPECT_EQ(outbox(), 0);
  std::vector<std::int64_t> expected(30);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(applied, expected);
  auto report = sender_chain();
  EXPECT_TRUE(report.ok()) << report.findings.front();
  EXPECT_EQ(report.receipts, 30);
}

// A batch is capped in bytes as well as in envelopes, so that it fits the
// body limit of any peer; an envelope larger than the cap travels alone.
TEST_F(ReceiverTest, BatchesStayWithinTheirByteCap) {
  auto texts = make_envelopes(30);
  const std::size_t one = texts.front().size() + 1;
  std::mutex mu;
  std::vector<std::size_t> bodies;
  auto transport = std::make_unique<CountingTransport>([&](const std::string& batch) {
    {
      std::lock_guard lock(mu);
      bodies.push_back(batch.size());
    }
    return answer(batch);
  });
  DeliveryOptions opt;
  opt.max_batch_bytes = 4 * one + one / 2;  // room for four envelopes, not five
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  std::size_t delivered = 0;
  for (int round = 0; round < 20 && delivered < 30; ++round) delivered += worker.deliver_once();
  EXPECT_EQ(delivered, 30u);
  EXPECT_EQ(stored(), 30);
  ASSERT_FALSE(bodies.empty());
  for (auto size : bodies) EXPECT_LE(size, opt.max_batch_bytes);
  std::size_t first_four = 0;
  for (int i = 0; i < 4; ++i) first_four += texts[static_cast<std::size_t>(i)].size() + 1;
  EXPECT_EQ(bodies.front(), first_four);  // four whole envelopes

  // A cap smaller than one envelope still sends it, alone.
  make_envelopes(2);
  bodies.clear();
  DeliveryOptions tiny;
  tiny.max_batch_bytes = 10;
  auto transport2 = std::make_unique<CountingTransport>([&](const std::string& batch) {
    {
      std::lock_guard lock(mu);
      bodies.push_back(batch.size());
    }
    return answer(batch);
  });
  DeliveryWorker alone(*sender_store_, alpha_ctx, std::move(transport2), tiny, nullptr);
  EXPECT_EQ(alone.deliver_once(), 1u);
  EXPECT_EQ(alone.deliver_once(), 1u);
  EXPECT_EQ(bodies.size(), 2u);
  EXPECT_EQ(stored(), 32);
}

// A reply need not be laid out as this node writes it: one indented (as
// another implementation might send it) is read alike, and the receipts are
// stored in their canonical form, not as they came.
TEST_F(ReceiverTest, AReplyInAnotherLayoutIsReadAlike) {
  make_envelopes(6);
  bool pretty = false;
  auto transport = std::make_unique<CountingTransport>([&](const std::string& batch) {
    auto reply = answer(batch);
    if (pretty) reply.body = nlohmann::json::parse(reply.body).dump(1);
    return reply;
  });
  DeliveryOptions opt;
  opt.max_batch = 3;
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), opt, nullptr);
  EXPECT_EQ(worker.deliver_once(), 3u);
  pretty = true;
  EXPECT_EQ(worker.deliver_once(), 3u);
  EXPECT_EQ(outbox(), 0);
  const auto chain = sender_chain();
  EXPECT_TRUE(chain.ok()) << (chain.findings.empty() ? "" : chain.findings.front());
  EXPECT_EQ(chain.receipts, 6);
  for (std::int64_t seq = 1; seq <= 6; ++seq) {
    auto stored = sender_store_->snapshot([&](store::Transaction& tx) {
      return tx.find_receipt(alpha_ctx.link, Direction::outbound, seq);
    });
    ASSERT_TRUE(stored) << seq;
    EXPECT_EQ(canonical(parse_receipt(stored->canonical)), stored->canonical) << seq;
  }
}

// Bad replies a peer can send (issue #17 item 7): receipts for every
// envelope of the batch and an error as well, whose message is hostile.
// The error names no envelope of ours: the worker must not look past the
// batch for one; it keeps the (verified) receipts and reports a bad reply,
// with the peer's words escaped.
TEST_F(ReceiverTest, AnErrorAfterEveryReceiptIsABadReply) {
  make_envelopes(3);
  auto transport = std::make_unique<CountingTransport>([&](const std::string& batch) {
    auto reply = answer(batch);
    auto doc = nlohmann::json::parse(reply.body);
    doc["error"] = {{"code", "x\x1b[2J"}, {"message", "forged\n[info] event=all_fine"}};
    reply.body = doc.dump();
    return reply;
  });
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), DeliveryOptions{},
                        nullptr);
  try {
    worker.deliver_once();
    ADD_FAILURE() << "a reply with an error after every receipt was taken as fine";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "peer_bad_reply") << e.what();
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_EQ(what.find('\x1b'), std::string::npos) << what;
  }
  EXPECT_EQ(outbox(), 0);  // the three receipts were sound and are kept
  ASSERT_TRUE(worker.status().last_error);
  EXPECT_EQ(worker.status().last_error->find('\n'), std::string::npos);

  // An error that is not an object at all, and one with a code that is not
  // a string: a bad reply, not a crash.
  make_envelopes(1);
  for (const char* error : {R"("just a string")", R"({"code":7,"message":["x"]})"}) {
    auto weird = std::make_unique<CountingTransport>([&](const std::string&) {
      return Transport::Reply{400, std::string(R"({"receipts":[],"error":)") + error + "}"};
    });
    DeliveryWorker w(*sender_store_, alpha_ctx, std::move(weird), DeliveryOptions{}, nullptr);
    try {
      w.deliver_once();
      ADD_FAILURE() << error;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "peer_refused") << e.what();
    }
  }
}

// A batch holds exactly the queued envelopes, in seq order, whether the
// queue is a run of consecutive seqs with a few holes (read as one range)
// or a few seqs far apart (read one by one).
TEST_F(ReceiverTest, ABatchHoldsWhatIsQueuedAndNothingElse) {
  auto texts = make_envelopes(10);
  std::vector<std::string> bodies;
  auto transport = std::make_unique<CountingTransport>([&](const std::string& batch) {
    bodies.push_back(batch);
    return Transport::Reply{503, R"({"error":{"code":"test","message":"not now"}})"};
  });
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), DeliveryOptions{},
                        nullptr);
  const auto dequeue = [&](std::initializer_list<int> seqs) {
    sender_store_->transact([&](store::Transaction& tx) {
      for (int seq : seqs) tx.remove_outbox(alpha_ctx.link, seq);
    });
  };
  const auto body_of = [&](std::initializer_list<int> seqs) {
    std::string body;
    for (int seq : seqs) body += texts[static_cast<std::size_t>(seq - 1)] + "\n";
    return body;
  };
  dequeue({4, 6});
  EXPECT_THROW(worker.deliver_once(), Error);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], body_of({1, 2, 3, 5, 7, 8, 9, 10}));
  dequeue({2, 3, 5, 7, 8, 9});
  EXPECT_THROW(worker.deliver_once(), Error);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[1], body_of({1, 10}));
  EXPECT_EQ(outbox(), 2);
}

// The worker's thread is named "delivery" for operators (top -H), and keeps
// that name after sending a short batch itself (a deferred send).
TEST_F(ReceiverTest, TheWorkersThreadKeepsItsName) {
  make_envelopes(3);
  auto transport =
      std::make_unique<CountingTransport>([&](const std::string& batch) { return answer(batch); });
  DeliveryWorker worker(*sender_store_, alpha_ctx, std::move(transport), DeliveryOptions{},
                        nullptr);
  std::atomic<std::int64_t> delivered{0};
  worker.on_delivered([&](std::int64_t seq) { delivered = seq; });
  worker.start();
  worker.notify();
  for (int i = 0; i < 500 && delivered < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(delivered.load(), 3);
  auto names = [] {
    std::vector<std::string> out;
    for (const auto& task : fs::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      out.push_back(name);
    }
    return out;
  }();
  worker.stop();
  EXPECT_EQ(std::count(names.begin(), names.end(), "delivery"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "link-send"), 0);
}

}  // namespace receiver_test
}  // namespace hotline::link
