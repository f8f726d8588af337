// The index of the cases' indicators (service/indicator_index.h): a store
// whose cases were written before the index gets their rows once, at open
// (fill_case_indicators), with the TLP each is handled under and the spans
// of addresses; a second fill changes nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/model/case_file.h"
#include "hotline/service/indicator_index.h"
#include "hotline/store/open.h"

namespace hotline::service {
namespace indicator_index_test {

using nlohmann::json;

TEST(IndicatorIndex, CasesStoredBeforeTheIndexGetTheirRowsOnce) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "hotline-indicator-index-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    auto store = store::open_sqlite(dir / "hotline.db");
    const auto t0 = parse_timestamp("2026-12-01T10:00:00.000Z");
    auto c = model::open_case("01890a5d-ac96-774b-bcce-b302099a8057", model::Side::ours, "Wave", {},
                              "alice", t0);
    c = model::add_indicator(c, {"ipv4-addr", "198.51.100.0/24"}, "alice", model::Side::ours, t0);
    model::Indicator red{"domain-name", "evil.example"};
    red.tlp = model::Tlp::red;
    c = model::add_indicator(c, red, "alice", model::Side::ours, t0);
    store::ItemRecord rec;
    rec.id = c.id;
    rec.kind = "case";
    rec.link = "link-1";
    rec.state = "open";
    rec.tlp = "TLP:AMBER";
    rec.title = c.title;
    rec.document = model::to_json(c).dump();
    rec.actions = "{}";
    rec.created_at = rec.updated_at = "2026-12-01T10:00:00.000Z";
    store->transact([&](store::Transaction& tx) {
      store::PeerRecord p;
      p.name = "bravo";
      p.link = "link-1";
      p.public_key = std::string(64, 'a');
      p.url = "https://127.0.0.1:1";
      p.added_at = rec.created_at;
      tx.insert_peer(p);
      tx.put_item(rec);  // as before the index: no rows
    });
    std::vector<store::CaseIndicatorRecord> rows;
    auto scan = [&] {
      rows.clear();
      store->read()->scan_case_indicators(
          "", [&](const store::CaseIndicatorRecord& r) { rows.push_back(r); });
    };
    scan();
    EXPECT_TRUE(rows.empty());
    fill_case_indicators(*store);
    scan();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].tlp, "TLP:AMBER");
    EXPECT_EQ(rows[0].span_first.size(), 16u);
    EXPECT_EQ(rows[1].tlp, "TLP:RED");
    EXPECT_TRUE(rows[1].span_first.empty());
    // Once: a case indexed away since is not put back.
    store->transact([&](store::Transaction& tx) { tx.put_case_indicators(c.id, {}); });
    fill_case_indicators(*store);
    scan();
    EXPECT_TRUE(rows.empty());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace indicator_index_test
}  // namespace hotline::service
