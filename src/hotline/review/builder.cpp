// ReportBuilder (report.h): the context's checks, the calendars, and judging items as
// they are added. The body's assembly is in body.cpp, the judgements' detail
// in judgement.cpp.
#include <algorithm>
#include <functional>

#include "hotline/common/error.h"
#include "hotline/review/judgement.h"
#include "hotline/review/state.h"

namespace hotline::review {

namespace {

constexpr Millis kDay = 86400000;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "review_invalid", message);
}

template <std::size_t N>
std::size_t index_in(const std::array<std::string_view, N>& names, std::string_view name,
                     const char* what) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  invalid(std::string("unknown ") + what + " \"" + std::string(name.substr(0, 40)) + "\"");
}

void check_context(const ReviewContext& c) {
  if (c.from >= c.to) invalid("the period must end after it begins");
  if (c.agreements.empty()) invalid("no agreement in force");
  for (const auto& a : c.agreements)
    for (const auto* p : {&a.document.a, &a.document.b})
      if (!c.zones.contains(p->time_zone))
        invalid("the time zone \"" + p->time_zone + "\" of party \"" + p->name + "\" is missing");
}

}  // namespace

std::size_t ReportBuilder::State::agreement_at(Millis t) const {
  const auto& v = context.agreements;
  const auto it = std::upper_bound(v.begin(), v.end(), t,
                                   [](Millis x, const auto& a) { return x < a.in_force_from; });
  return it == v.begin() ? 0 : static_cast<std::size_t>(it - v.begin()) - 1;
}

const CalendarCounter& ReportBuilder::State::counter(std::size_t agreement,
                                                     const model::DeadlineRule& rule,
                                                     Party responder) {
  if (rule.calendar == model::Calendar::always) return *always;
  auto& slot = agreements[agreement].office[responder == Party::a ? 0 : 1];
  if (!slot) {
    const auto& doc = context.agreements[agreement].document;
    const auto& party = responder == Party::a ? doc.a : doc.b;
    slot = std::make_unique<CalendarCounter>(
        model::calendar_for(rule, party, context.zones.at(party.time_zone)), previous_from - kDay,
        context.to + kDay);
  }
  return *slot;
}

const char* ReportBuilder::State::period_of(Millis t) const {
  if (t >= context.from && t < context.to) return "current";
  if (t >= previous_from && t < context.from) return "previous";
  return nullptr;
}

ReportBuilder::ReportBuilder(ReviewContext context, bool keep_judgements)
    : state_(std::make_unique<State>()) {
  check_context(context);
  auto& s = *state_;
  s.context = std::move(context);
  s.keep_judgements = keep_judgements;
  s.previous_from = s.context.from - (s.context.to - s.context.from);
  s.always = std::make_unique<CalendarCounter>(model::WorkingCalendar{}, s.previous_from - kDay,
                                               s.context.to + kDay);
  s.agreements.resize(s.context.agreements.size());
  for (std::size_t i = 0; i < s.agreements.size(); ++i)
    for (std::size_t k = 0; k < model::kKinds.size(); ++k)
      for (std::size_t p = 0; p < model::kPriorities.size(); ++p)
        s.agreements[i].rules[k][p] = &model::rule_for(s.context.agreements[i].document,
                                                       model::kKinds[k], model::kPriorities[p]);
  for (const auto& adj : s.context.adjustments) {
    const auto d = index_in(detail::kDeadlines, adj.deadline, "deadline");
    if (!detail::counts(adj.settled, adj.settled_by, s.context.cut, s.context.to)) continue;
    s.adjusted[adj.item].push_back(detail::kDeadlines[d]);
    s.applied.push_back(adj);
  }
}

ReportBuilder::~ReportBuilder() = default;

void ReportBuilder::add(const ItemFacts& item) {
  auto& s = *state_;
  const auto k = index_in(model::kKinds, item.kind, "kind");
  const auto p = index_in(model::kPriorities, item.priority, "priority");
  if (!item.received_at || !detail::counts(item.sent, item.asker, s.context.cut, s.context.to))
    return;  // in flight
  const char* period = s.period_of(*item.received_at);
  if (!period) return;
  const std::size_t per = period[0] == 'c' ? 0 : 1;
  const auto agreement = s.agreement_at(*item.received_at);
  const auto& rule = *s.agreements[agreement].rules[k][p];
  const auto& counter = s.counter(agreement, rule, other(item.asker));
  std::span<const std::string_view> adjusted;
  if (!s.adjusted.empty())
    if (auto it = s.adjusted.find(item.id); it != s.adjusted.end()) adjusted = it->second;
  const auto v = detail::judge(item, rule, counter, s.context.cut, s.context.to, adjusted);
  for (std::size_t i = 0; i < v.deadlines.size(); ++i)
    if (v.deadlines[i].adjusted) s.used_adjustments.emplace(item.id, detail::kDeadlines[i]);
  const std::size_t dir = item.asker == Party::a ? 0 : 1;
  if (k != 0)
    s.requests[dir][k][p][per].add(v);
  else if (item.check)
    s.checks[dir][per].add(v);
  else
    s.alerts[dir][p][per].add(v);
  std::uint8_t flags = 0;
  if (v.deadlines[2].at) flags |= State::kAnswered;
  if (v.deadlines[0].at) flags |= State::kAcknowledged;
  s.item_flags.emplace_back(std::hash<std::string_view>{}(item.id), flags);
  if (s.keep_judgements && s.keeps(detail::item_group(item), period))
    s.judgements.push_back(detail::item_judgement(item, v, period, counter,
                                                  s.context.agreements[agreement].digest, rule));
}

void ReportBuilder::keep_only(
    std::function<bool(std::string_view group, std::string_view period)> wanted) {
  state_->wanted = std::move(wanted);
}

void ReportBuilder::add(const CaseFacts& c) {
  state_->cases.push_back(c);
}

void ReportBuilder::add(const DisputeFacts& d) {
  state_->disputes.push_back(d);
}

std::vector<Judgement> ReportBuilder::judgements() {
  auto j = std::move(state_->judgements);  // a million of them may be large: not copied
  state_->judgements.clear();
  std::stable_sort(j.begin(), j.end(), [](const Judgement& x, const Judgement& y) {
    return std::tie(x.group, x.period, x.item) < std::tie(y.group, y.period, y.item);
  });
  return j;
}

}  // namespace hotline::review
