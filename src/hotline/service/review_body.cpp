#include "hotline/service/review_body.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/service/dispute_facts.h"
#include "hotline/service/review_facts.h"

namespace hotline::service {
namespace {

// Judges the items on a second thread while the caller's thread reads and
// decodes their facts (the snapshot's transaction stays on its thread): the
// builder sees the items in the same order, so the body is the same. Items
// travel in batches, at most kWaiting batches queued, so memory stays
// bounded. Destroyed without finish(): the rest is dropped, the thread ends.
class JudgingThread {
 public:
  explicit JudgingThread(review::ReportBuilder& builder)
      : builder_(builder), thread_([this] { run(); }) {
    batch_.reserve(kBatch);
  }
  ~JudgingThread() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      queue_.clear();
    }
    changed_.notify_all();
    thread_.join();
  }
  JudgingThread(const JudgingThread&) = delete;
  JudgingThread& operator=(const JudgingThread&) = delete;

  void add(review::ItemFacts&& f) {
    batch_.push_back(std::move(f));
    if (batch_.size() == kBatch) hand_over();
  }

  // Waits until every item is judged; rethrows what the builder threw.
  void finish() {
    if (!batch_.empty()) hand_over();
    std::unique_lock lock(mutex_);
    done_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return (queue_.empty() && idle_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr std::size_t kBatch = 4096;
  static constexpr std::size_t kWaiting = 4;

  void hand_over() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < kWaiting || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(batch_));
    batch_ = {};
    batch_.reserve(kBatch);
    changed_.notify_all();
  }

  void run() {
    for (;;) {
      std::vector<review::ItemFacts> batch;
      {
        std::unique_lock lock(mutex_);
        idle_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return !queue_.empty() || done_ || stop_; });
        if (stop_ || queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
        idle_ = false;
        changed_.notify_all();
      }
      try {
        for (const auto& f : batch) builder_.add(f);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        changed_.notify_all();
        return;
      }
    }
  }

  review::ReportBuilder& builder_;
  std::vector<review::ItemFacts> batch_;  // the reading thread's
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<review::ItemFacts>> queue_;
  bool idle_ = false, done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

ReviewBody compute_review_body(store::Transaction& tx, const std::string& link, review::Party ours,
                               review::Millis from, review::Millis to, const review::Cut& cut,
                               bool judgements, const JudgementFilter& filter) {
  if (from >= to) {
    throw Error(ErrorCategory::invalid_input, "review_period_invalid",
                "the period must end after it starts (from < to)");
  }
  DisputeReview disputes = dispute_facts(tx, link, ours);
  review::ReviewContext context = review_context(tx, link, from, to, cut);
  context.adjustments = std::move(disputes.adjustments);
  review::ReportBuilder builder(std::move(context), judgements);
  if (filter) builder.keep_only(filter);
  for (const auto& d : disputes.disputes) builder.add(d);
  std::vector<review::CaseFacts> cases;  // after every item, as for_each_review_fact hands them
  {
    JudgingThread judging(builder);
    for_each_review_fact(
        tx, link, ours, [&](review::ItemFacts&& f) { judging.add(std::move(f)); },
        [&](const review::CaseFacts& c) { cases.push_back(c); });
    judging.finish();
  }
  for (const auto& c : cases) builder.add(c);
  ReviewBody out;
  out.body = builder.body();
  if (judgements) out.judgements = builder.judgements();
  return out;
}

}  // namespace hotline::service
