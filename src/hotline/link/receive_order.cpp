#include "hotline/link/receive_order.h"

#include <algorithm>

namespace hotline::link {

ReceiveOrder::Ticket::Ticket(ReceiveOrder& order, std::string link)
    : order_(order), link_(std::move(link)) {
  std::lock_guard lock(order_.mu_);
  ++order_.links_[link_].checking;
}

ReceiveOrder::Ticket::~Ticket() {
  {
    std::lock_guard lock(order_.mu_);
    auto& s = order_.links_[link_];
    // A batch waits only inside wait_turn(): here it is checking or storing.
    if (storing_) {
      --s.storing;
    } else {
      --s.checking;
    }
  }
  order_.cv_.notify_all();
}

ReceiveOrder::Turn ReceiveOrder::turn(const LinkState& s, std::int64_t first) {
  if (s.stored_through >= 0 && first <= s.stored_through + 1) return Turn::go;  // next, or repeats
  if (s.checking > 0 || s.storing > 0 || *s.waiting.begin() != first) return Turn::wait;
  // Alone, and not the next: the predecessor may still be on the wire.
  return s.stored_through < 0 ? Turn::go : Turn::grace;
}

void ReceiveOrder::Ticket::wait_turn(std::int64_t first_seq) {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(order_.mu_);
  auto& s = order_.links_[link_];
  --s.checking;
  s.waiting.insert(first_seq);
  order_.cv_.notify_all();  // a batch waiting for checks to end may go now
  const auto start = Clock::now();
  while (true) {
    const Turn t = turn(s, first_seq);
    if (t == Turn::go) break;
    const auto limit =
        start + (t == Turn::grace ? std::min(order_.grace_, order_.max_wait_) : order_.max_wait_);
    if (Clock::now() >= limit) break;
    order_.cv_.wait_until(lock, limit);
  }
  s.waiting.erase(s.waiting.find(first_seq));
  ++s.storing;
  storing_ = true;
}

bool ReceiveOrder::Ticket::knows_stored() {
  std::lock_guard lock(order_.mu_);
  return order_.links_[link_].stored_through >= 0;
}

void ReceiveOrder::Ticket::stored_through(std::int64_t last_seq) {
  {
    std::lock_guard lock(order_.mu_);
    auto& s = order_.links_[link_];
    s.stored_through = std::max(s.stored_through, last_seq);
  }
  order_.cv_.notify_all();  // the next batch may go now, before this one replies
}

}  // namespace hotline::link
