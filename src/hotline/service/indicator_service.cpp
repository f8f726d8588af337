#include "hotline/service/indicator_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/model/indicator.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/need_to_know.h"

namespace hotline::service {
namespace {

using nlohmann::json;

// One store lookup: (type, value) and what a hit of it is called.
struct Probe {
  std::string type, value, matched;
};

// "a.b.example" -> "b.example", "example"; the value itself first.
std::vector<std::string> domain_chain(const std::string& domain) {
  std::vector<std::string> out{domain};
  for (auto dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1))
    out.push_back(domain.substr(dot + 1));
  return out;
}

// The host of a normalized URL ("https://user@Host:8080/x" -> "host"), or "".
std::string url_host(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  auto end = url.find_first_of("/?#", start);
  std::string auth = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = auth.rfind('@'); at != std::string::npos) auth = auth.substr(at + 1);
  if (!auth.empty() && auth[0] == '[') {
    auto close = auth.find(']');
    return close == std::string::npos ? "" : auth.substr(1, close - 1);
  }
  return auth.substr(0, auth.find(':'));
}

// The probes of a host (a domain or an address), as `matched`.
void host_probes(const std::string& host, const std::string& matched, std::vector<Probe>& out) {
  if (host.empty()) return;
  auto type = model::guess_indicator_type(host);
  if (!type || (*type != "domain-name" && *type != "ipv4-addr" && *type != "ipv6-addr")) return;
  std::string norm;
  try {
    norm = model::normalize_indicator(*type, host);
  } catch (const Error&) {
    return;
  }
  out.push_back({*type, norm, matched});
}

std::vector<Probe> probes_of(const std::string& type, const std::string& value) {
  std::vector<Probe> out{{type, value, "exact"}};
  if (type == "url") host_probes(url_host(value), "host", out);
  if (type == "email-addr") host_probes(value.substr(value.rfind('@') + 1), "host", out);
  return out;
}

bool is_readable(store::Transaction& tx, const std::string& case_id, const std::string* reader,
                 std::map<std::string, std::optional<store::ItemRecord>>& seen) {
  auto it = seen.find(case_id);
  if (it == seen.end()) {
    auto rec = tx.find_item(case_id);
    if (rec && (rec->kind != kCase || (reader && !may_read(tx, *rec, *reader)))) rec.reset();
    it = seen.emplace(case_id, std::move(rec)).first;
  }
  return it->second.has_value();
}

IndicatorHit hit_of(const store::CaseIndicatorRecord& row, const store::ItemRecord& rec,
                    std::string matched) {
  IndicatorHit h;
  h.case_id = row.item_id;
  h.link = row.link;
  h.case_title = rec.title;
  h.case_state = rec.state;
  h.case_tlp = rec.tlp;
  h.tlp = row.tlp;
  h.indicator = model::indicator_from_json(json::parse(row.indicator), "indicator");
  h.matched = std::move(matched);
  return h;
}

// The store rows one probe finds, checked with indicator_matches.
void run_probe(store::Transaction& tx, const Probe& p, std::size_t limit,
               std::vector<std::pair<store::CaseIndicatorRecord, std::string>>& out) {
  store::CaseIndicatorQuery q;
  q.type = p.type;
  q.limit = limit;
  if (p.type == "domain-name") {
    q.values = domain_chain(p.value);
  } else {
    q.values = {p.value};
  }
  if (auto span = model::address_span(p.type, p.value)) {
    q.span_first.assign(span->first.begin(), span->first.end());
    q.span_last.assign(span->last.begin(), span->last.end());
  }
  for (auto& row : tx.find_case_indicators(q)) {
    if (!model::indicator_matches(row.type, row.value, p.type, p.value)) continue;
    std::string how = p.matched;
    if (how == "exact" && row.value != p.value)
      how = p.type == "domain-name" ? "parent_domain" : "range";
    out.emplace_back(std::move(row), std::move(how));
  }
}

}  // namespace

json to_json(const IndicatorHit& h) {
  json j = model::indicator_json(h.indicator);
  j["case"] = {{"id", h.case_id},
               {"title", h.case_title},
               {"state", h.case_state},
               {"tlp", h.case_tlp},
               {"link", h.link}};
  j["effective_tlp"] = h.tlp;
  j["matched"] = h.matched;
  return j;
}

std::vector<IndicatorHit> find_indicator(store::Store& store, const IndicatorLookup& lookup,
                                         const std::string* reader) {
  std::string type = lookup.type;
  if (type.empty()) {
    auto guessed = model::guess_indicator_type(lookup.value);
    if (!guessed)
      throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                  "cannot tell which type of indicator " + model::quote_value(lookup.value) +
                      " is; give the type (one of: " + model::list_of(model::kIndicatorTypes) +
                      ")");
    type = *guessed;
  }
  const std::string value = model::normalize_indicator(type, lookup.value);
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<std::pair<store::CaseIndicatorRecord, std::string>> rows;
    for (const auto& p : probes_of(type, value)) run_probe(tx, p, lookup.limit, rows);
    std::map<std::string, std::optional<store::ItemRecord>> cases;
    std::vector<IndicatorHit> out;
    std::map<std::pair<std::string, std::int64_t>, bool> taken;
    for (auto& [row, how] : rows) {
      if (out.size() >= lookup.limit) break;
      if (!taken.emplace(std::make_pair(row.item_id, row.position), true).second) continue;
      if (!is_readable(tx, row.item_id, reader, cases)) continue;
      out.push_back(hit_of(row, *cases[row.item_id], how));
    }
    std::stable_sort(out.begin(), out.end(), [](const IndicatorHit& a, const IndicatorHit& b) {
      return a.case_id < b.case_id;
    });
    return out;
  });
}

std::vector<IndicatorHit> list_case_indicators(store::Store& store, const std::string& case_id,
                                               const std::string* reader) {
  return store.snapshot([&](store::Transaction& tx) {
    std::map<std::string, std::optional<store::ItemRecord>> cases;
    if (!case_id.empty() && !is_readable(tx, case_id, reader, cases))
      throw_item_unknown(kCase, case_id);
    std::vector<store::CaseIndicatorRecord> rows;
    tx.scan_case_indicators(case_id,
                            [&](const store::CaseIndicatorRecord& r) { rows.push_back(r); });
    std::vector<IndicatorHit> out;
    for (const auto& row : rows) {
      if (!model::is_indicator_type(row.type)) continue;
      if (!is_readable(tx, row.item_id, reader, cases)) continue;
      out.push_back(hit_of(row, *cases[row.item_id], "listed"));
    }
    return out;
  });
}

}  // namespace hotline::service
