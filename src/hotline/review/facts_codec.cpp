#include "hotline/review/facts_codec.h"

#include <cstdint>
#include <cstring>

#include "hotline/common/error.h"

namespace hotline::review {
namespace {
namespace facts_codec_detail {

constexpr char kVersion = 1;

[[noreturn]] void bad(const std::string& what) {
  throw Error(ErrorCategory::internal, "review_facts_invalid",
              "the stored review facts are not a version-1 form: " + what);
}

class Writer {
 public:
  explicit Writer(char tag) {
    out_.reserve(160);
    out_.push_back(kVersion);
    out_.push_back(tag);
  }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void i64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  void text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void party(Party p) { u8(p == Party::a ? 0 : 1); }
  void act(const Act& a) {
    i64(a.at);
    i64(a.seq);
  }
  void act(const std::optional<Act>& a) {
    u8(a ? 1 : 0);
    if (a) act(*a);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view bytes, char tag) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {
    if (bytes.size() < 2 || bytes[0] != kVersion || bytes[1] != tag) {
      bad(std::string("expected version 1 and tag '") + tag + "'");
    }
    p_ += 2;
  }
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(p_[i])} << (8 * i);
    p_ += 4;
    return v;
  }
  std::int64_t i64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(p_[i])} << (8 * i);
    p_ += 8;
    return static_cast<std::int64_t>(v);
  }
  std::string text() {
    const std::uint32_t n = u32();
    need(n);
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  Party party() {
    const std::uint8_t v = u8();
    if (v > 1) bad("a party byte is " + std::to_string(v) + ", expected 0 or 1");
    return v == 0 ? Party::a : Party::b;
  }
  Act act() {
    Act a;
    a.at = i64();
    a.seq = i64();
    return a;
  }
  std::optional<Act> optional_act() {
    if (u8() == 0) return std::nullopt;
    return act();
  }
  std::uint32_t count() {
    const std::uint32_t n = u32();
    if (n > static_cast<std::size_t>(end_ - p_)) bad("a list longer than the bytes left");
    return n;
  }
  void end() const {
    if (p_ != end_) bad(std::to_string(end_ - p_) + " bytes left after the last member");
  }

 private:
  void need(std::size_t n) const {
    if (static_cast<std::size_t>(end_ - p_) < n) {
      bad("it ends " + std::to_string(n - static_cast<std::size_t>(end_ - p_)) + " bytes early");
    }
  }
  const char* p_;
  const char* end_;
};

Party swapped(Party p) {
  return p == Party::a ? Party::b : Party::a;
}

}  // namespace facts_codec_detail
}  // namespace

std::string encode(const ItemFacts& f) {
  using namespace facts_codec_detail;
  Writer w('i');
  w.text(f.id);
  w.text(f.kind);
  w.text(f.priority);
  w.party(f.asker);
  w.u8(f.check ? 1 : 0);
  w.act(f.sent);
  w.u8(f.received_at ? 1 : 0);
  if (f.received_at) w.i64(*f.received_at);
  w.act(f.acknowledged);
  w.act(f.first_response);
  w.act(f.final_response);
  w.u32(static_cast<std::uint32_t>(f.clarifications.size()));
  for (const auto& c : f.clarifications) {
    w.act(c.asked);
    w.act(c.answered);
  }
  w.act(f.declined);
  w.text(f.decline_reason);
  w.act(f.withdrawn);
  w.act(f.closed);
  w.u8(f.rating ? 1 : 0);
  if (f.rating) {
    w.u32(static_cast<std::uint32_t>(f.rating->completeness));
    w.u32(static_cast<std::uint32_t>(f.rating->usefulness));
    w.act(f.rating->given);
  }
  w.u32(static_cast<std::uint32_t>(f.escalations.size()));
  for (const auto& e : f.escalations) w.act(e);
  return w.take();
}

std::string encode(const CaseFacts& c) {
  using namespace facts_codec_detail;
  Writer w('c');
  w.text(c.id);
  w.party(c.opened_by);
  w.act(c.opened);
  w.u32(static_cast<std::uint32_t>(c.changes.size()));
  for (const auto& ch : c.changes) {
    w.party(ch.by);
    w.act(ch.act);
    w.u8(ch.closes ? 1 : 0);
  }
  for (const auto* list : {&c.requests, &c.alerts}) {
    w.u32(static_cast<std::uint32_t>(list->size()));
    for (const auto& l : *list) {
      w.party(l.by);
      w.act(l.act);
      w.text(l.item);
    }
  }
  return w.take();
}

char facts_tag(std::string_view bytes) {
  using namespace facts_codec_detail;
  if (bytes.size() < 2 || bytes[0] != kVersion) {
    bad(bytes.empty() ? std::string("it is empty")
                      : "its version byte is " + std::to_string(static_cast<int>(bytes[0])));
  }
  return bytes[1];
}

ItemFacts decode_item(std::string_view bytes) {
  using namespace facts_codec_detail;
  Reader r(bytes, 'i');
  ItemFacts f;
  f.id = r.text();
  f.kind = r.text();
  f.priority = r.text();
  f.asker = r.party();
  f.check = r.u8() != 0;
  f.sent = r.act();
  if (r.u8() != 0) f.received_at = r.i64();
  f.acknowledged = r.optional_act();
  f.first_response = r.optional_act();
  f.final_response = r.optional_act();
  const std::uint32_t clarifications = r.count();
  f.clarifications.reserve(clarifications);
  for (std::uint32_t i = 0; i < clarifications; ++i) {
    Clarification c;
    c.asked = r.act();
    c.answered = r.optional_act();
    f.clarifications.push_back(c);
  }
  f.declined = r.optional_act();
  f.decline_reason = r.text();
  f.withdrawn = r.optional_act();
  f.closed = r.optional_act();
  if (r.u8() != 0) {
    RatingFact rating;
    rating.completeness = static_cast<int>(r.u32());
    rating.usefulness = static_cast<int>(r.u32());
    rating.given = r.act();
    f.rating = rating;
  }
  const std::uint32_t escalations = r.count();
  f.escalations.reserve(escalations);
  for (std::uint32_t i = 0; i < escalations; ++i) f.escalations.push_back(r.act());
  r.end();
  return f;
}

CaseFacts decode_case(std::string_view bytes) {
  using namespace facts_codec_detail;
  Reader r(bytes, 'c');
  CaseFacts c;
  c.id = r.text();
  c.opened_by = r.party();
  c.opened = r.act();
  const std::uint32_t changes = r.count();
  for (std::uint32_t i = 0; i < changes; ++i) {
    CaseFacts::Change ch;
    ch.by = r.party();
    ch.act = r.act();
    ch.closes = r.u8() != 0;
    c.changes.push_back(ch);
  }
  for (auto* list : {&c.requests, &c.alerts}) {
    const std::uint32_t n = r.count();
    for (std::uint32_t i = 0; i < n; ++i) {
      CaseFacts::Link l;
      l.by = r.party();
      l.act = r.act();
      l.item = r.text();
      list->push_back(std::move(l));
    }
  }
  r.end();
  return c;
}

void swap_parties(ItemFacts& f) {
  f.asker = facts_codec_detail::swapped(f.asker);
}

void swap_parties(CaseFacts& c) {
  using facts_codec_detail::swapped;
  c.opened_by = swapped(c.opened_by);
  for (auto& ch : c.changes) ch.by = swapped(ch.by);
  for (auto* list : {&c.requests, &c.alerts}) {
    for (auto& l : *list) l.by = swapped(l.by);
  }
}

}  // namespace hotline::review
