#include "hotline/service/indicator_index.h"

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/model/indicator.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {

std::vector<store::CaseIndicatorRecord> case_indicator_rows(const store::ItemRecord& rec) {
  std::vector<store::CaseIndicatorRecord> rows;
  if (rec.kind != kCase) return rows;
  const auto doc = nlohmann::json::parse(rec.document);
  const std::string case_tlp = doc.at("labels").at("tlp").get<std::string>();
  const auto& list = doc.at("indicators");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& ind = list[i];
    store::CaseIndicatorRecord r;
    r.item_id = rec.id;
    r.position = static_cast<std::int64_t>(i);
    r.link = rec.link;
    r.type = ind.at("type").get<std::string>();
    r.value = ind.at("value").get<std::string>();
    r.tlp =
        ind.value("tlp", nlohmann::json()).is_string() ? ind["tlp"].get<std::string>() : case_tlp;
    try {
      if (auto span = model::address_span(r.type, r.value)) {
        r.span_first.assign(span->first.begin(), span->first.end());
        r.span_last.assign(span->last.begin(), span->last.end());
      }
    } catch (const Error&) {  // a legacy value that is no address: no span
    }
    r.indicator = ind.dump();
    rows.push_back(std::move(r));
  }
  return rows;
}

void put_case_indicators(store::Transaction& tx, const store::ItemRecord& rec) {
  if (rec.kind != kCase) return;
  tx.put_case_indicators(rec.id, case_indicator_rows(rec));
}

void fill_case_indicators(store::Store& store) {
  constexpr const char* kFilled = "case_indicators.filled";
  const bool filled =
      store.snapshot([&](store::Transaction& tx) { return tx.get_setting(kFilled).has_value(); });
  if (filled) return;
  // Cases are few beside alerts (thousands, not millions): one transaction.
  store.transact([&](store::Transaction& tx) {
    if (tx.get_setting(kFilled)) return;
    std::vector<std::string> links;
    for (const auto& p : tx.list_peers()) links.push_back(p.link);
    for (const auto& link : links) {
      std::vector<store::ItemRecord> cases;
      tx.scan_items(kCase, link, [&](const store::ItemRecord& rec) { cases.push_back(rec); });
      for (const auto& rec : cases) put_case_indicators(tx, rec);
    }
    tx.put_setting(kFilled, "1");
  });
}

}  // namespace hotline::service
