// What differs between two bodies, and between two sides' judgements of the
// same items (report.h: compare_bodies, compare_judgements).
#include <map>
#include <set>
#include <tuple>

#include "hotline/review/judge.h"
#include "hotline/review/report.h"
#include "hotline/review/words.h"

namespace hotline::review {

namespace {

using detail::member;

std::string escape_token(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

void compare_values(const std::string& path, const nlohmann::json* mine,
                    const nlohmann::json* theirs, std::vector<FigureDifference>& out) {
  static const nlohmann::json null_value = nullptr;
  const auto& m = mine ? *mine : null_value;
  const auto& t = theirs ? *theirs : null_value;
  if (mine && theirs && m.is_object() && t.is_object()) {
    for (const auto& [key, value] : m.items()) {
      const auto it = t.find(key);
      compare_values(path + "/" + escape_token(key), &value, it == t.end() ? nullptr : &*it, out);
    }
    for (const auto& [key, value] : t.items())
      if (!m.contains(key)) compare_values(path + "/" + escape_token(key), nullptr, &value, out);
    return;
  }
  if (mine && theirs && m.is_array() && t.is_array()) {
    for (std::size_t i = 0; i < std::max(m.size(), t.size()); ++i)
      compare_values(path + "/" + std::to_string(i), i < m.size() ? &m[i] : nullptr,
                     i < t.size() ? &t[i] : nullptr, out);
    return;
  }
  if (m != t || !mine || !theirs) out.push_back({path, m, t});
}

using Key = std::tuple<std::string, std::string, std::string>;  // item, group, period

std::map<Key, const Judgement*> by_key(const std::vector<Judgement>& v) {
  std::map<Key, const Judgement*> out;
  for (const auto& j : v) out.emplace(Key{j.item, j.group, j.period}, &j);
  return out;
}

ItemDifference missing(const Judgement& j, const std::string& has, const std::string& lacks,
                       bool mine_has) {
  ItemDifference d{j.item, j.group, "item", nullptr, nullptr, ""};
  (mine_has ? d.mine : d.theirs) = j.period;
  d.text = detail::item_name(j) + ": " + has + " counts it in " + j.group + " (" + j.period +
           " period); " + lacks +
           " does not (no receipt inside the cut: still in flight, or not held)";
  return d;
}

std::string deadline_sentence(const Judgement& j, const std::string& field,
                              const nlohmann::json& mine, const nlohmann::json& theirs,
                              const std::string& my_name, const std::string& their_name) {
  return detail::item_name(j) + ": " + my_name + " counts " + detail::deadline_words(field) + " " +
         detail::status_words(detail::text_of(member(mine, "status"))) + " " +
         detail::times_words(mine) + "; " + their_name + " counts it " +
         detail::status_words(detail::text_of(member(theirs, "status"))) + " " +
         detail::times_words(theirs);
}

void compare_field(const Judgement& m, const std::string& key, const nlohmann::json& mine,
                   const nlohmann::json& theirs, const std::string& my_name,
                   const std::string& their_name, std::vector<ItemDifference>& out) {
  if (mine == theirs) return;
  std::string text;
  const bool deadline = mine.is_object() && mine.contains("status") && theirs.is_object() &&
                        theirs.contains("status");
  if (deadline)
    text = deadline_sentence(m, key, mine, theirs, my_name, their_name);
  else
    text = detail::item_name(m) + ": " + key + " is " + mine.dump() + " for " + my_name + ", " +
           theirs.dump() + " for " + their_name;
  out.push_back({m.item, m.group, key, mine, theirs, std::move(text)});
}

// Every member of either detail that differs (one side's alone included).
void compare_details(const Judgement& m, const Judgement& t, const std::string& my_name,
                     const std::string& their_name, std::vector<ItemDifference>& out) {
  if (!m.detail.is_object() || !t.detail.is_object())
    return compare_field(m, "detail", m.detail, t.detail, my_name, their_name, out);
  std::set<std::string> keys;
  for (const auto* d : {&m.detail, &t.detail})
    for (const auto& [key, value] : d->items()) keys.insert(key);
  for (const auto& key : keys)
    compare_field(m, key, member(m.detail, key), member(t.detail, key), my_name, their_name, out);
}

}  // namespace

std::vector<FigureDifference> compare_bodies(const nlohmann::json& mine,
                                             const nlohmann::json& theirs) {
  std::vector<FigureDifference> out;
  compare_values("", &mine, &theirs, out);
  return out;
}

std::vector<ItemDifference> compare_judgements(const std::vector<Judgement>& mine,
                                               const std::vector<Judgement>& theirs,
                                               const nlohmann::json& body,
                                               const std::string& my_name,
                                               const std::string& their_name) {
  (void)body;
  const auto m = by_key(mine), t = by_key(theirs);
  std::vector<ItemDifference> out;
  for (const auto& [key, j] : m) {
    const auto it = t.find(key);
    if (it == t.end())
      out.push_back(missing(*j, my_name, their_name, true));
    else
      compare_details(*j, *it->second, my_name, their_name, out);
  }
  for (const auto& [key, j] : t)
    if (!m.contains(key)) out.push_back(missing(*j, their_name, my_name, false));
  return out;
}

}  // namespace hotline::review
