#include "hotline/link/delivery.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/thread_name.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/link/link_metrics.h"
#include "hotline/link/receipt.h"

namespace hotline::link {

using store::Direction;

DeliveryWorker::DeliveryWorker(store::Store& store, LinkContext ctx,
                               std::unique_ptr<Transport> transport, DeliveryOptions options,
                               EventFn on_event, std::function<TimePoint()> clock)
    : store_(store),
      ctx_(std::move(ctx)),
      transport_(std::move(transport)),
      opt_(options),
      on_event_(std::move(on_event)),
      clock_(std::move(clock)) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    name_this_thread("delivery");
    run();
  });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::notify() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::on_delivered(std::function<void(std::int64_t seq)> fn) {
  std::lock_guard lock(mu_);
  on_delivered_ = std::move(fn);
}

DeliveryStatus DeliveryWorker::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void DeliveryWorker::run() {
  while (true) {
    std::chrono::milliseconds wait = opt_.poll;
    {
      std::unique_lock lock(mu_);
      if (backoff_.count() > 0) wait = backoff_;
      cv_.wait_for(lock, wait, [&] { return stop_ || (wake_ && backoff_.count() == 0); });
      if (stop_) return;
      wake_ = false;
    }
    try {
      // Drain while there is work, then go back to waiting.
      deliver_pipelined();
    } catch (const std::exception& e) {
      record_failure(e.what());
    }
  }
}

void DeliveryWorker::record_failure(const std::string& what) {
  bool was_connected;
  {
    std::lock_guard lock(mu_);
    was_connected = status_.connected;
    status_.connected = false;
    status_.last_error = what;
    // Exponential backoff with full jitter, so that two nodes recovering at
    // once do not retry in lockstep.
    auto ceiling =
        backoff_.count() == 0 ? opt_.initial_backoff : std::min(backoff_ * 2, opt_.max_backoff);
    std::uniform_int_distribution<std::int64_t> jitter(ceiling.count() / 2, ceiling.count());
    backoff_ = std::chrono::milliseconds(jitter(rng_));
    if (backoff_.count() == 0) backoff_ = std::chrono::milliseconds(1);
  }
  if (was_connected && on_event_) on_event_("link_unreachable", what);
}

void DeliveryWorker::requeue_from(std::int64_t expected) {
  std::int64_t requeued = 0;
  {
    auto tx = store_.write();
    auto pending = tx->pending_outbox(ctx_.link, 1);
    std::int64_t first_pending =
        pending.empty() ? tx->last_seq(ctx_.link, Direction::outbound) + 1 : pending[0].seq;
    for (std::int64_t seq = std::max<std::int64_t>(expected, 1); seq < first_pending; ++seq) {
      auto env = tx->find_envelope_by_seq(ctx_.link, Direction::outbound, seq);
      if (!env) break;
      tx->enqueue_outbox(store::OutboxItem{ctx_.link, seq, env->id, 0, std::nullopt});
      ++requeued;
    }
    tx->commit();
  }
  // Receipts the peer signed for these envelopes are kept: they are the
  // evidence that the peer once held what it now says it lacks.
  if (requeued > 0 && on_event_) {
    on_event_("peer_behind", ctx_.peer_name + " asked again for seq " + std::to_string(expected) +
                                 " onwards although it had receipted them; " +
                                 std::to_string(requeued) + " envelopes queued again");
  }
}

DeliveryWorker::Batch DeliveryWorker::read_batch(std::int64_t after_seq) {
  // The head of the queue (past what is already in flight) and the
  // envelopes' exact bytes.
  Batch b;
  auto tx = store_.read();
  auto items = tx->pending_outbox(ctx_.link, opt_.max_batch, after_seq);
  // The queue is normally a run of consecutive seqs (the envelopes' own seqs
  // have no holes, and receipts remove the queue's head): one range read
  // instead of a lookup per envelope, and a lookup by id for any queued
  // envelope the range does not hold (a queue with holes far apart).
  std::vector<store::EnvelopeRecord> range;
  if (!items.empty()) {
    const std::int64_t span = items.back().seq - items.front().seq + 1;
    if (span <= 2 * static_cast<std::int64_t>(items.size())) {
      range = tx->list_envelopes(ctx_.link, Direction::outbound, items.front().seq - 1,
                                 static_cast<std::size_t>(span));
    }
  }
  std::size_t bytes = 0;
  for (auto& it : items) {
    const auto at = static_cast<std::size_t>(it.seq - items.front().seq);
    std::optional<store::EnvelopeRecord> rec;
    if (at < range.size() && range[at].seq == it.seq && range[at].id == it.envelope_id) {
      rec = std::move(range[at]);
    } else {
      rec = tx->find_envelope(it.envelope_id);
    }
    if (!rec)
      throw Error(ErrorCategory::internal, "store_inconsistent",
                  "queued envelope " + it.envelope_id + " is missing");
    bytes += rec->canonical.size() + 1;
    if (bytes > opt_.max_batch_bytes && !b.envelopes.empty()) {
      b.full = true;
      break;
    }
    b.envelopes.push_back(std::move(*rec));
    b.items.push_back(std::move(it));
  }
  tx->commit();
  if (b.items.size() == opt_.max_batch) b.full = true;
  return b;
}

std::string DeliveryWorker::body_of(const Batch& b) {
  std::string body;
  for (const auto& e : b.envelopes) {
    body += e.canonical;
    body += '\n';
  }
  return body;
}

void DeliveryWorker::count_sent(const Batch& b, const std::string& body) const {
  auto& m = link_metrics(ctx_.peer_name);
  m.envelopes_sent.inc(b.items.size());
  m.bytes_sent.inc(body.size());
}

// Each receipted envelope's time from queued (its sent_at) to now. Never
// throws: a metric must not stop the delivery.
void DeliveryWorker::count_delivered(const Batch& b, std::size_t receipted) const {
  auto& m = link_metrics(ctx_.peer_name);
  const TimePoint now = clock_();
  for (std::size_t i = 0; i < receipted && i < b.envelopes.size(); ++i) {
    try {
      const auto ms = (now - parse_timestamp(b.envelopes[i].sent_at)).count();
      m.delivery_seconds.observe(static_cast<double>(std::max<std::int64_t>(ms, 0)) / 1000.0);
    } catch (const Error&) {
      // an unreadable sent_at: not measured
    }
  }
}

Transport::Reply DeliveryWorker::send(const Batch& b) {
  const std::string body = body_of(b);
  count_sent(b, body);
  return transport_->post_envelopes(body);
}

std::size_t DeliveryWorker::deliver_once() {
  Batch b = read_batch(0);
  if (b.items.empty()) return 0;
  return process_reply(b, send(b));
}

namespace {

// Answered batches whose receipts wait to be checked and stored, run one at a
// time in answer order on a thread of their own. The sender hands a batch
// over and goes on sending: storing receipts needs the store's writer, which
// a long transaction of another caller (a producer queueing hundreds of
// envelopes at once) may hold for milliseconds, and the peer would sit idle
// meanwhile. At most kMaxWaiting batches wait; the sender waits beyond that.
// After a job fails the jobs behind it are dropped (their envelopes stay
// queued and are sent again) and the error reaches the sender.
template <typename Job>
class ReceiptStage {
 public:
  static constexpr std::size_t kMaxWaiting = 4;

  explicit ReceiptStage(std::function<std::size_t(Job&)> fn) : fn_(std::move(fn)) {}
  ~ReceiptStage() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ReceiptStage(const ReceiptStage&) = delete;
  ReceiptStage& operator=(const ReceiptStage&) = delete;

  void push(Job job) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return error_ || jobs_.size() < kMaxWaiting; });
    if (error_) std::rethrow_exception(error_);
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) {
      thread_ = std::thread([this] {
        name_this_thread("receipts");
        run();
      });
    }
    cv_.notify_all();
  }

  // Throws the error of a job that failed, if one did.
  void check() {
    std::lock_guard lock(mu_);
    if (error_) std::rethrow_exception(error_);
  }

  // Waits until every job handed over has run: the receipts they stored, or
  // the first error.
  std::size_t finish() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return error_ || (jobs_.empty() && !running_); });
    if (error_) std::rethrow_exception(error_);
    return done_;
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return closing_ || !jobs_.empty(); });
      // Closing (the sender is unwinding; what waits stays queued), or a job
      // failed (nothing behind it is worth running).
      if (closing_ || error_) return;
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      running_ = true;
      lock.unlock();
      std::size_t n = 0;
      std::exception_ptr error;
      try {
        n = fn_(job);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      running_ = false;
      done_ += n;
      if (error) {
        error_ = error;
        jobs_.clear();
      }
      cv_.notify_all();
      if (error_) return;
    }
  }

  std::function<std::size_t(Job&)> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool running_ = false;
  bool closing_ = false;
  std::size_t done_ = 0;
  std::exception_ptr error_;
  std::thread thread_;  // last: started after the members it uses
};

}  // namespace

// Keeps up to `depth` batches on the wire (each on a connection of its own,
// so the receiver always has the next one) and hands each answered batch to
// a ReceiptStage, so that sending never waits for our own store. Answers are
// taken in seq order, and their receipts stored in that order. A partial
// batch first in line means the queue is empty: it is sent on this thread
// when its answer is awaited, alone.
std::size_t DeliveryWorker::deliver_pipelined() {
  const std::size_t depth =
      std::max<std::size_t>(1, std::min(opt_.max_in_flight, transport_->max_in_flight()));
  struct InFlight {
    Batch batch;
    std::future<Transport::Reply> reply;
    bool sending;  // on its own thread now (else sent when its answer is awaited)
  };
  struct Answered {
    Batch batch;
    Transport::Reply reply;
  };
  std::deque<InFlight> flight;
  std::int64_t sent_through = 0;
  auto refill = [&] {
    while (flight.size() < depth && (flight.empty() || flight.back().sending)) {
      Batch b = read_batch(sent_through);
      if (b.items.empty()) break;
      sent_through = b.items.back().seq;
      // On its own thread when another batch may follow it, or follows one.
      const bool overlap = depth > 1 && (!flight.empty() || b.full);
      auto body = std::make_shared<std::string>(body_of(b));
      count_sent(b, *body);
      auto reply =
          std::async(overlap ? std::launch::async : std::launch::deferred, [this, body, overlap] {
            // A deferred send runs on this worker's thread, which keeps its name.
            if (overlap) name_this_thread("link-send");
            return transport_->post_envelopes(*body);
          });
      flight.push_back(InFlight{std::move(b), std::move(reply), overlap});
    }
  };
  // On an error the catch block below first waits for the sends; then the
  // stage, declared after `flight`, is destroyed first: it finishes the job it
  // is running and drops those waiting (their envelopes stay queued).
  ReceiptStage<Answered> stage([this](Answered& a) { return process_reply(a.batch, a.reply); });
  try {
    while (true) {
      bool stopping;
      {
        std::lock_guard lock(mu_);
        stopping = stop_;
      }
      stage.check();
      if (!stopping) refill();
      if (flight.empty()) {
        // Receipts may still be being stored (a failed answer throws here):
        // once they are, look at the queue again, which may have grown.
        const std::size_t before = stage.finish();
        if (stopping) break;
        refill();
        if (flight.empty()) return before;
        continue;
      }
      InFlight f = std::move(flight.front());
      flight.pop_front();
      Transport::Reply reply = f.reply.get();
      if (!stopping) refill();
      stage.push(Answered{std::move(f.batch), std::move(reply)});
      if (stopping && flight.empty()) break;
    }
    return stage.finish();
  } catch (...) {
    // Every thread started here uses this worker: wait for them all. The
    // queue keeps whatever was not receipted; the next round starts from its
    // head.
    for (auto& f : flight) {
      if (f.sending && f.reply.valid()) f.reply.wait();  // a deferred one is never sent
    }
    throw;
  }
}

namespace {

// "code: message" of the error object a peer sent, escaped and cut: the
// peer's words, for our status, events and log. Any shape is accepted.
std::string peer_error_text(const nlohmann::json& err) {
  auto member = [&](const char* key) {
    return err.is_object() && err.contains(key) && err[key].is_string()
               ? err[key].get<std::string>()
               : std::string();
  };
  std::string code = member("code");
  return escape_text(code.empty() ? "unknown" : code, 64) + ": " +
         escape_text(member("message"), 512);
}

// The peer's answer to a batch: {"error": ..., "receipts": [...]}, or the
// error (peer_bad_reply, peer_refused) that ends the round.
nlohmann::json parse_reply(const Transport::Reply& reply) {
  nlohmann::json doc;
  try {
    doc = crypto::parse_strict(reply.body);  // strict, and faster than nlohmann's parser
  } catch (const std::exception&) {
    throw Error(
        ErrorCategory::invalid_input, "peer_bad_reply",
        "peer answered HTTP " + std::to_string(reply.status) + " with a body that is not JSON");
  }
  if (!doc.is_object() || !doc.contains("receipts") || !doc["receipts"].is_array()) {
    std::string msg = "peer answered HTTP " + std::to_string(reply.status);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
      msg += ": " + peer_error_text(doc["error"]);
    }
    throw Error(ErrorCategory::invalid_input, "peer_refused", msg);
  }
  return doc;
}

// Receipt `i` of an answer: signed by the peer, for envelope `env`.
Receipt checked_receipt(const nlohmann::json& j, std::size_t i, const store::EnvelopeRecord& env,
                        const LinkContext& ctx) {
  Receipt r = receipt_from_json(j);
  verify_signature(r, ctx.peer_history()->accept_new(r.from, r.received_at,
                                                     format_timestamp(now_ms()), ctx.peer_name));
  if (r.link != ctx.link || r.seq != env.seq || r.envelope != env.digest ||
      r.envelope_id != env.id) {
    throw Error(
        ErrorCategory::invalid_input, "peer_bad_reply",
        "receipt " + std::to_string(i) + " does not match envelope seq " + std::to_string(env.seq));
  }
  return r;
}

// The receipt cannot be older than the envelope it receipts, nor in our
// future: either means the two clocks disagree beyond the agreement.
bool clock_skewed(const Receipt& r, const store::EnvelopeRecord& env, TimePoint now,
                  std::int64_t tolerance_ms) {
  auto skew =
      std::chrono::duration_cast<std::chrono::milliseconds>(parse_timestamp(r.received_at) - now)
          .count();
  auto sent = parse_timestamp(env.sent_at);
  auto before_send =
      std::chrono::duration_cast<std::chrono::milliseconds>(sent - parse_timestamp(r.received_at))
          .count();
  return skew > tolerance_ms || before_send > tolerance_ms;
}

}  // namespace

std::size_t DeliveryWorker::process_reply(const Batch& b, const Transport::Reply& reply) {
  const auto& envelopes = b.envelopes;
  nlohmann::json doc = parse_reply(reply);

  // Verify every receipt before storing any: a bad one is the peer's bug or
  // an attack, and must not remove anything from the queue.
  const auto& receipts = doc["receipts"];
  if (receipts.size() > b.items.size())
    throw Error(ErrorCategory::invalid_input, "peer_bad_reply",
                "peer sent more receipts than envelopes");
  const TimePoint now = clock_();
  std::vector<store::ReceiptRecord> records;
  std::int64_t skew_flags = 0;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    Receipt r = checked_receipt(receipts[i], i, envelopes[i], ctx_);
    if (clock_skewed(r, envelopes[i], now, opt_.clock_tolerance_ms)) {
      ++skew_flags;
      if (on_event_) {
        on_event_("receipt_clock_skew", "receipt for seq " + std::to_string(r.seq) +
                                            " says received_at " + r.received_at +
                                            ", outside the agreed tolerance of " +
                                            std::to_string(opt_.clock_tolerance_ms) + " ms");
      }
    }
    records.push_back(store::ReceiptRecord{ctx_.link, Direction::outbound, r.seq, r.envelope,
                                           r.received_at, r.index, canonical(r)});
  }
  // In a group with whatever else is being written (the actions queueing
  // new envelopes): one commit, one fsync with synchronous=FULL, for both.
  store_.transact([&](store::Transaction& tx) {
    for (const auto& rec : records) {
      if (!tx.find_receipt(ctx_.link, Direction::outbound, rec.seq)) tx.insert_receipt(rec);
      tx.remove_outbox(ctx_.link, rec.seq);
    }
  });
  count_delivered(b, records.size());

  bool came_up = false;
  std::function<void(std::int64_t)> delivered_fn;
  {
    std::lock_guard lock(mu_);
    delivered_fn = on_delivered_;
    came_up = !status_.connected;
    status_.connected = true;
    status_.last_contact = format_timestamp(now);
    status_.delivered += static_cast<std::int64_t>(records.size());
    status_.skew_flags += skew_flags;
    backoff_ = std::chrono::milliseconds(0);
    if (!doc["error"].is_null())
      status_.last_error = peer_error_text(doc["error"]);
    else
      status_.last_error.reset();
  }
  if (came_up && on_event_) on_event_("link_reachable", "delivering to " + ctx_.peer_name);
  if (delivered_fn && !records.empty()) delivered_fn(records.back().seq);

  if (!doc["error"].is_null()) {
    const auto& err = doc["error"];
    // Receipts for every envelope and an error too: the error names no
    // envelope of ours. The receipts are sound (each was verified) and kept.
    if (records.size() >= envelopes.size()) {
      throw Error(ErrorCategory::invalid_input, "peer_bad_reply",
                  "peer receipted every envelope of the batch and still sent an error: " +
                      peer_error_text(err));
    }
    // The peer is behind us (say, restored from a backup): send again from
    // where it stands. Our envelopes are kept, so nothing is lost.
    if (err.is_object() && err.value("code", nlohmann::json()) == "seq_gap" &&
        err.contains("expected_seq") && err["expected_seq"].is_number_integer()) {
      auto expected = err["expected_seq"].get<std::int64_t>();
      requeue_from(expected);
    }
    throw Error(ErrorCategory::invalid_input, "peer_refused",
                "peer refused envelope seq " + std::to_string(envelopes[records.size()].seq) +
                    ": " + peer_error_text(err));
  }
  return records.size();
}

}  // namespace hotline::link
