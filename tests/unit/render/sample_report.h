// A realistic review report file built by hand from the body's schema
// (docs/review.md): two parties, a month, several kinds and priorities in
// both directions, alerts, takedowns, checks, disputes, cases, an
// adjustment and two signatures. The figures of each group are derived
// from lists of durations and ratings the way the review rules state
// (lower median, nearest-rank p90, means and permille rounded down), and
// the totals sum the groups, so the report is consistent in itself.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hotline::render::sample_report {

using nlohmann::json;

inline json stats(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  if (v.empty())
    return {{"count", 0}, {"median_s", nullptr}, {"p90_s", nullptr}, {"mean_s", nullptr}};
  std::int64_t sum = 0;
  for (auto x : v) sum += x;
  std::size_t n = v.size();
  std::size_t rank = (9 * n + 9) / 10;  // ceil(0.9 n)
  return {{"count", n},
          {"median_s", v[(n - 1) / 2]},
          {"p90_s", v[rank - 1]},
          {"mean_s", sum / static_cast<std::int64_t>(n)}};
}

inline json permille(std::int64_t n, std::int64_t of) {
  return of == 0 ? json(nullptr) : json(n * 1000 / of);
}

// on_time, late, pending, overdue, ended, no_deadline
using Statuses = std::array<int, 6>;

inline json deadline(const Statuses& s) {
  return {{"on_time", s[0]},
          {"late", s[1]},
          {"pending", s[2]},
          {"overdue", s[3]},
          {"ended", s[4]},
          {"no_deadline", s[5]},
          {"on_time_permille", permille(s[0], s[0] + s[1] + s[3])}};
}

inline json rating(const std::vector<int>& scores) {
  std::array<int, 5> dist{};
  int sum = 0;
  for (int s : scores) {
    ++dist[s - 1];
    sum += s;
  }
  return {{"count", scores.size()},
          {"sum", sum},
          {"mean_centi",
           scores.empty() ? json(nullptr) : json(sum * 100 / static_cast<int>(scores.size()))},
          {"distribution", dist}};
}

inline void add(Statuses& a, const Statuses& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
}

inline void add(std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
}

struct Req {
  int received = 0;
  Statuses ack{}, first{}, final{};
  std::vector<std::int64_t> t_ack, t_first, t_final;
  int open_at_end = 0, overdue_at_end = 0;
  std::array<int, 6> declined{};  // outside_scope .. other
  int withdrawn = 0, clarifications = 0;
  std::vector<int> completeness, usefulness;

  Req& operator+=(const Req& o) {
    received += o.received;
    add(ack, o.ack);
    add(first, o.first);
    add(final, o.final);
    add(t_ack, o.t_ack);
    add(t_first, o.t_first);
    add(t_final, o.t_final);
    open_at_end += o.open_at_end;
    overdue_at_end += o.overdue_at_end;
    for (std::size_t i = 0; i < declined.size(); ++i) declined[i] += o.declined[i];
    withdrawn += o.withdrawn;
    clarifications += o.clarifications;
    completeness.insert(completeness.end(), o.completeness.begin(), o.completeness.end());
    usefulness.insert(usefulness.end(), o.usefulness.begin(), o.usefulness.end());
    return *this;
  }

  json to_json() const {
    int total = 0;
    for (int d : declined) total += d;
    return {
        {"received", received},
        {"acknowledge", deadline(ack)},
        {"first_response", deadline(first)},
        {"final_response", deadline(final)},
        {"time_to_acknowledge", stats(t_ack)},
        {"time_to_first_response", stats(t_first)},
        {"time_to_final_response", stats(t_final)},
        {"open_at_end", open_at_end},
        {"overdue_at_end", overdue_at_end},
        {"declined",
         {{"total", total},
          {"by_reason",
           {{"outside_scope", declined[0]},
            {"insufficient_information", declined[1]},
            {"legal_obstacle", declined[2]},
            {"not_competent", declined[3]},
            {"duplicate", declined[4]},
            {"other", declined[5]}}}}},
        {"withdrawn", withdrawn},
        {"clarifications", clarifications},
        {"ratings",
         {{"rated", completeness.size()},
          {"rated_permille", permille(static_cast<std::int64_t>(completeness.size()), received)},
          {"completeness", rating(completeness)},
          {"usefulness", rating(usefulness)}}}};
  }
};

struct Alert {
  int raised = 0;
  Statuses ack{};
  std::vector<std::int64_t> t_ack;
  int escalated = 0;

  Alert& operator+=(const Alert& o) {
    raised += o.raised;
    add(ack, o.ack);
    add(t_ack, o.t_ack);
    escalated += o.escalated;
    return *this;
  }
  json to_json() const {
    return {{"raised", raised},
            {"acknowledge", deadline(ack)},
            {"time_to_acknowledge", stats(t_ack)},
            {"escalated", escalated}};
  }
};

inline json takedown(int on_time, int late, int not_removed) {
  int n = on_time + late + not_removed;
  return {{"requests", n},
          {"removed_on_time", on_time},
          {"removed_late", late},
          {"not_removed", not_removed},
          {"on_time_permille", permille(on_time, n)}};
}

inline json check(int in_time, int late, int unanswered, std::vector<std::int64_t> t) {
  return {{"held", in_time + late + unanswered},
          {"answered_in_time", in_time},
          {"answered_late", late},
          {"unanswered", unanswered},
          {"time_to_answer", stats(std::move(t))}};
}

struct Group {
  std::string kind, priority;
  Req current, previous;
};

struct AlertGroup {
  std::string priority;
  Alert current, previous;
};

inline json direction(const std::string& asker, const std::vector<Group>& groups,
                      const std::vector<AlertGroup>& alerts, json takedown_figures,
                      json check_figures) {
  json out = {{"asker", asker}, {"responder", asker == "a" ? "b" : "a"}};
  Req cur, prev;
  out["requests"] = json::array();
  for (const auto& g : groups) {
    out["requests"].push_back({{"kind", g.kind},
                               {"priority", g.priority},
                               {"current", g.current.to_json()},
                               {"previous", g.previous.to_json()}});
    cur += g.current;
    prev += g.previous;
  }
  out["requests_total"] = {{"current", cur.to_json()}, {"previous", prev.to_json()}};
  Alert acur, aprev;
  out["alerts"] = json::array();
  for (const auto& g : alerts) {
    out["alerts"].push_back({{"priority", g.priority},
                             {"current", g.current.to_json()},
                             {"previous", g.previous.to_json()}});
    acur += g.current;
    aprev += g.previous;
  }
  out["alerts_total"] = {{"current", acur.to_json()}, {"previous", aprev.to_json()}};
  out["takedown"] = std::move(takedown_figures);
  out["checks"] = std::move(check_figures);
  return out;
}

constexpr std::int64_t kMin = 60, kHour = 3600;

inline json a_asks_b() {
  Group info{"request.information", "normal", {}, {}};
  info.current.received = 12;
  info.current.ack = {10, 2, 0, 0, 0, 0};
  info.current.first = {8, 2, 1, 0, 1, 0};
  info.current.final = {7, 2, 1, 1, 1, 0};
  info.current.t_ack = {
      25 * kMin, 40 * kMin, 55 * kMin, 70 * kMin, 2 * kHour, 3 * kHour + 20 * kMin,
      45 * kMin, 30 * kMin, 50 * kMin, 35 * kMin, 5 * kHour, 6 * kHour};
  info.current.t_first = {3 * kHour,  5 * kHour,  8 * kHour,  9 * kHour,  10 * kHour,
                          14 * kHour, 20 * kHour, 26 * kHour, 50 * kHour, 60 * kHour};
  info.current.t_final = {20 * kHour, 26 * kHour, 30 * kHour, 41 * kHour, 48 * kHour,
                          52 * kHour, 60 * kHour, 90 * kHour, 100 * kHour};
  info.current.open_at_end = 2;
  info.current.overdue_at_end = 1;
  info.current.declined = {0, 1, 0, 0, 0, 0};
  info.current.clarifications = 2;
  info.current.completeness = {4, 5, 3, 4, 4, 5, 2};
  info.current.usefulness = {5, 5, 4, 4, 3, 5, 3};
  info.previous.received = 9;
  info.previous.ack = {7, 2, 0, 0, 0, 0};
  info.previous.first = {6, 3, 0, 0, 0, 0};
  info.previous.final = {5, 3, 0, 1, 0, 0};
  info.previous.t_ack = {30 * kMin, 50 * kMin, 70 * kMin, 80 * kMin, 2 * kHour,
                         4 * kHour, 40 * kMin, 7 * kHour, 8 * kHour};
  info.previous.t_first = {4 * kHour,  6 * kHour,  9 * kHour,  12 * kHour, 20 * kHour,
                           30 * kHour, 55 * kHour, 70 * kHour, 80 * kHour};
  info.previous.t_final = {24 * kHour, 30 * kHour, 44 * kHour,  50 * kHour,
                           70 * kHour, 90 * kHour, 110 * kHour, 130 * kHour};
  info.previous.open_at_end = 1;
  info.previous.overdue_at_end = 1;
  info.previous.completeness = {3, 4, 3, 4, 2};
  info.previous.usefulness = {4, 4, 3, 3, 3};

  Group urgent{"request.information", "urgent", {}, {}};
  urgent.current.received = 3;
  urgent.current.ack = {3, 0, 0, 0, 0, 0};
  urgent.current.first = {2, 1, 0, 0, 0, 0};
  urgent.current.final = {2, 1, 0, 0, 0, 0};
  urgent.current.t_ack = {6 * kMin, 9 * kMin, 14 * kMin};
  urgent.current.t_first = {50 * kMin, 2 * kHour, 5 * kHour};
  urgent.current.t_final = {3 * kHour + 20 * kMin, 6 * kHour, 11 * kHour};
  urgent.current.completeness = {5, 4};
  urgent.current.usefulness = {5, 5};
  urgent.previous.received = 2;
  urgent.previous.ack = {1, 1, 0, 0, 0, 0};
  urgent.previous.first = {1, 1, 0, 0, 0, 0};
  urgent.previous.final = {1, 1, 0, 0, 0, 0};
  urgent.previous.t_ack = {12 * kMin, 40 * kMin};
  urgent.previous.t_first = {3 * kHour, 9 * kHour};
  urgent.previous.t_final = {5 * kHour, 15 * kHour};

  Group preservation{"request.preservation", "urgent", {}, {}};
  preservation.current.received = 4;
  preservation.current.ack = {4, 0, 0, 0, 0, 0};
  preservation.current.first = {4, 0, 0, 0, 0, 0};
  preservation.current.final = {3, 0, 0, 0, 0, 1};
  preservation.current.t_ack = {5 * kMin, 7 * kMin, 11 * kMin, 20 * kMin};
  preservation.current.t_first = {40 * kMin, 55 * kMin, 70 * kMin, 2 * kHour};
  preservation.current.t_final = {2 * kHour, 3 * kHour, 4 * kHour};
  preservation.previous.received = 5;
  preservation.previous.ack = {5, 0, 0, 0, 0, 0};
  preservation.previous.first = {4, 1, 0, 0, 0, 0};
  preservation.previous.final = {4, 1, 0, 0, 0, 0};
  preservation.previous.t_ack = {4 * kMin, 9 * kMin, 10 * kMin, 18 * kMin, 22 * kMin};
  preservation.previous.t_first = {1 * kHour, 80 * kMin, 2 * kHour, 3 * kHour, 9 * kHour};
  preservation.previous.t_final = {1 * kHour, 2 * kHour, 3 * kHour, 5 * kHour, 12 * kHour};

  Group takedown_group{"request.takedown", "urgent", {}, {}};
  takedown_group.current.received = 2;
  takedown_group.current.ack = {2, 0, 0, 0, 0, 0};
  takedown_group.current.first = {1, 1, 0, 0, 0, 0};
  takedown_group.current.final = {1, 1, 0, 0, 0, 0};
  takedown_group.current.t_ack = {3 * kMin, 8 * kMin};
  takedown_group.current.t_first = {45 * kMin, 95 * kMin};
  takedown_group.current.t_final = {45 * kMin, 95 * kMin};
  takedown_group.previous.received = 1;
  takedown_group.previous.ack = {1, 0, 0, 0, 0, 0};
  takedown_group.previous.first = {1, 0, 0, 0, 0, 0};
  takedown_group.previous.final = {1, 0, 0, 0, 0, 0};
  takedown_group.previous.t_ack = {4 * kMin};
  takedown_group.previous.t_first = {50 * kMin};
  takedown_group.previous.t_final = {50 * kMin};

  AlertGroup alerts{"urgent", {}, {}};
  alerts.current = {6, {5, 0, 0, 1, 0, 0}, {2 * kMin, 4 * kMin, 5 * kMin, 9 * kMin, 14 * kMin}, 1};
  alerts.previous = {4, {4, 0, 0, 0, 0, 0}, {3 * kMin, 6 * kMin, 7 * kMin, 12 * kMin}, 0};
  return direction(
      "a", {urgent, info, preservation, takedown_group}, {alerts},
      {{"current", takedown(1, 1, 0)}, {"previous", takedown(1, 0, 0)}},
      {{"current", check(1, 0, 0, {7 * kMin})}, {"previous", check(0, 1, 0, {48 * kMin})}});
}

inline json b_asks_a() {
  Group info{"request.information", "normal", {}, {}};
  info.current.received = 7;
  info.current.ack = {7, 0, 0, 0, 0, 0};
  info.current.first = {5, 1, 0, 0, 0, 1};
  info.current.final = {4, 1, 1, 0, 0, 1};
  info.current.t_ack = {20 * kMin, 30 * kMin, 40 * kMin, 45 * kMin,
                        50 * kMin, 1 * kHour, 90 * kMin};
  info.current.t_first = {6 * kHour, 8 * kHour, 12 * kHour, 18 * kHour, 30 * kHour, 70 * kHour};
  info.current.t_final = {16 * kHour, 24 * kHour, 40 * kHour, 75 * kHour, 120 * kHour};
  info.current.open_at_end = 1;
  info.current.withdrawn = 1;
  info.current.completeness = {5, 4, 4, 5};
  info.current.usefulness = {4, 4, 5, 5};
  info.previous.received = 8;
  info.previous.ack = {6, 1, 0, 1, 0, 0};
  info.previous.first = {5, 1, 0, 1, 0, 0};
  info.previous.final = {5, 0, 0, 2, 1, 0};
  info.previous.t_ack = {25 * kMin, 35 * kMin, 50 * kMin, 70 * kMin,
                         80 * kMin, 2 * kHour, 9 * kHour};
  info.previous.t_first = {7 * kHour, 9 * kHour, 15 * kHour, 20 * kHour, 26 * kHour, 80 * kHour};
  info.previous.t_final = {20 * kHour, 26 * kHour, 36 * kHour, 48 * kHour, 60 * kHour};
  info.previous.open_at_end = 2;
  info.previous.overdue_at_end = 2;
  info.previous.declined = {1, 0, 0, 0, 0, 0};
  info.previous.completeness = {4, 3, 5};
  info.previous.usefulness = {3, 3, 4};

  Group assistance{"request.assistance", "normal", {}, {}};
  assistance.current.received = 2;
  assistance.current.ack = {1, 1, 0, 0, 0, 0};
  assistance.current.first = {1, 0, 1, 0, 0, 0};
  assistance.current.final = {0, 0, 1, 0, 1, 0};
  assistance.current.t_ack = {2 * kHour, 30 * kHour};
  assistance.current.t_first = {4 * 24 * kHour};
  assistance.current.declined = {0, 0, 1, 0, 0, 0};
  assistance.current.open_at_end = 1;

  AlertGroup urgent{"urgent", {}, {}};
  urgent.current = {3, {2, 1, 0, 0, 0, 0}, {3 * kMin, 6 * kMin, 35 * kMin}, 1};
  urgent.previous = {5, {5, 0, 0, 0, 0, 0}, {2 * kMin, 3 * kMin, 5 * kMin, 8 * kMin, 9 * kMin}, 0};
  AlertGroup normal{"normal", {}, {}};
  normal.current = {2, {2, 0, 0, 0, 0, 0}, {40 * kMin, 2 * kHour}, 0};
  normal.previous = {1, {1, 0, 0, 0, 0, 0}, {50 * kMin}, 0};
  return direction(
      "b", {info, assistance}, {urgent, normal},
      {{"current", takedown(0, 0, 0)}, {"previous", takedown(0, 0, 0)}},
      {{"current", check(1, 0, 0, {11 * kMin})}, {"previous", check(1, 0, 0, {9 * kMin})}});
}

inline json disputes(int opened, int settled, int withdrawn, int open, std::array<int, 5> g) {
  return {{"opened", opened},
          {"settled", settled},
          {"withdrawn", withdrawn},
          {"open_at_end", open},
          {"by_ground",
           {{"timeliness", g[0]},
            {"quality", g[1]},
            {"attribution", g[2]},
            {"jurisdiction", g[3]},
            {"other", g[4]}}}};
}

inline json body() {
  return {{"format", "hotline.review/1"},
          {"link", "0193a6c4e5f67a8b9c0d1e2f3a4b5c6d"},
          {"parties",
           {{"a", {{"name", "Alpha National Cybercrime Centre"}, {"time_zone", "Europe/Berlin"}}},
            {"b", {{"name", "Bravo Cyber Security Bureau"}, {"time_zone", "Asia/Shanghai"}}}}},
          {"period", {{"from", "2026-03-01T00:00:00.000Z"}, {"to", "2026-04-01T00:00:00.000Z"}}},
          {"previous_period",
           {{"from", "2026-01-29T00:00:00.000Z"}, {"to", "2026-03-01T00:00:00.000Z"}}},
          {"cut",
           {{"a_to_b", 4817},
            {"b_to_a", 3902},
            {"agreements",
             {"9f2c4e61b0a7d3385e1f6c2a9b4d7e0f1a3c5e7092b4d6f8a1c3e5f7092b4d6f",
              "3e5f7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d6f8a9f2c4e61b0a7d338"}},
            {"tzdb", "2025b"}}},
          {"adjustments",
           {{{"item", "0193a6d1-7c2e-7f10-9b3a-2d4e6f8a0b1c"},
             {"deadline", "final_response"},
             {"dispute", "0193b2e0-11aa-7c3d-8e4f-5a6b7c8d9e0f"},
             {"text",
              "Count the final response as on time: the deadline was extended by phone on "
              "2026-03-10."}}}},
          {"directions", {a_asks_b(), b_asks_a()}},
          {"disputes",
           {{"current", disputes(2, 1, 0, 1, {1, 1, 0, 0, 0})},
            {"previous", disputes(1, 0, 1, 1, {0, 0, 0, 1, 0})}}},
          {"cases",
           {{"opened", 3},
            {"open_at_end", 2},
            {"closed_at_end", 1},
            {"list",
             {{{"id", "0193a5f0-2b3c-7d4e-8f50-617283940a1b"},
               {"opened_by", "a"},
               {"state", "open"},
               {"requests", 4},
               {"requests_answered", 3},
               {"alerts", 2},
               {"alerts_acknowledged", 2}},
              {{"id", "0193a7b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b"},
               {"opened_by", "b"},
               {"state", "closed"},
               {"requests", 2},
               {"requests_answered", 2},
               {"alerts", 0},
               {"alerts_acknowledged", 0}},
              {{"id", "0193b0c1-d2e3-7f40-8152-6374859607a8"},
               {"opened_by", "a"},
               {"state", "open"},
               {"requests", 1},
               {"requests_answered", 0},
               {"alerts", 1},
               {"alerts_acknowledged", 1}}}}}}};
}

inline json signature(const std::string& party, const std::string& name, std::int64_t size) {
  return {
      {"party", party},
      {"name", name},
      {"key", party == "a" ? "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
                           : "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw"},
      {"tree_head",
       {{"size", size},
        {"root", party == "a" ? "4d1c9e7b2a6f3e8d0c5b9a7f1e3d2c6b8a0f4e9d7c1b3a5f2e8d6c0b9a7f1e3d"
                              : "8a0f4e9d7c1b3a5f2e8d6c0b9a7f1e3d4d1c9e7b2a6f3e8d0c5b9a7f1e3d2c6b"},
        {"time", "2026-04-01T06:00:00.000Z"},
        {"key", "x"},
        {"signature", "y"}}},
      {"signature", "z"}};
}

// The report file: body, no judgements (--brief), both signatures.
inline json report() {
  return {{"format", "hotline.review-report/1"},
          {"body", body()},
          {"signatures", {signature("a", "alpha", 17466), signature("b", "bravo", 17466)}}};
}

}  // namespace hotline::render::sample_report
