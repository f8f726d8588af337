// The paged lists' store side (migration 15, find_item_summaries): the
// facets read from each item's document when it is saved, every filter,
// both orders, and the migration filling the facets of items saved before
// it; and the translations table (migration 16).
#include "hotline/common/error.h"

#include "store_test_util.h"

namespace hotline::store::testing {
namespace item_facets_test {

using ItemFacetsTest = StoreTest;

ItemRecord item(const std::string& id, const std::string& kind, const std::string& document,
                const std::string& created, const std::string& updated) {
  ItemRecord i;
  i.id = id;
  i.kind = kind;
  i.link = "l1";
  i.state = "received";
  i.tlp = "TLP:AMBER";
  i.title = "Title of " + id;
  i.document = document;
  i.actions = R"({"local":[],"shared":[]})";
  i.created_at = created;
  i.updated_at = updated;
  return i;
}

std::vector<std::string> ids(const std::vector<ItemRecord>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(i.id);
  return out;
}

void put_three(Store& s) {
  s.transact([](Transaction& tx) {
    tx.put_item(item("r1", "request",
                     R"({"origin":"theirs","kind":"takedown","priority":"urgent"})",
                     "2026-11-27T09:00:01.000Z", "2026-11-27T09:00:09.000Z"));
    tx.put_item(item("r2", "request",
                     R"({"origin":"ours","kind":"information","priority":"normal"})",
                     "2026-11-27T09:00:02.000Z", "2026-11-27T09:00:03.000Z"));
    tx.put_item(item("a1", "alert", R"({"origin":"theirs","priority":"urgent"})",
                     "2026-11-27T09:00:03.000Z", "2026-11-27T09:00:04.000Z"));
  });
}

std::vector<std::string> find(Store& s, ItemQuery q) {
  return ids(s.read()->find_item_summaries(q));
}

TEST_P(ItemFacetsTest, SummariesAreFilteredByTheFacetsOfTheDocument) {
  put_three(*store_);
  EXPECT_EQ(find(*store_, {}), (std::vector<std::string>{"a1", "r2", "r1"}));
  ItemQuery q;
  q.by_creation = false;
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"r1", "a1", "r2"}));
  q = {};
  q.kind = "request";
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"r2", "r1"}));
  q.origin = "theirs";
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"r1"});
  q = {};
  q.priority = "urgent";
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"a1", "r1"}));
  q = {};
  q.request_kind = "information";
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"r2"});
  q = {};
  q.title_contains = "TITLE OF R";
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"r2", "r1"}));
  q = {};
  q.states = {"closed", "received"};
  EXPECT_EQ(find(*store_, q).size(), 3u);
  q.states = {"closed"};
  EXPECT_TRUE(find(*store_, q).empty());
  auto one = store_->read()->find_item_summaries({});
  EXPECT_TRUE(one[0].document.empty());
  EXPECT_TRUE(one[0].actions.empty());
  EXPECT_EQ(one[0].created_at, "2026-11-27T09:00:03.000Z");

  // A new document moves the item to other facets.
  store_->transact([](Transaction& tx) {
    tx.put_item(item("r2", "request",
                     R"({"origin":"ours","kind":"information","priority":"urgent"})",
                     "2026-11-27T09:00:02.000Z", "2026-11-27T09:00:10.000Z"));
  });
  q = {};
  q.priority = "urgent";
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"a1", "r2", "r1"}));
}

// SQLite's lower() folds ASCII letters only; so must PostgreSQL's search,
// whatever the database's locale: "école" does not find "ÉCOLE".
TEST_P(ItemFacetsTest, TheTitleSearchFoldsAsciiLettersOnly) {
  store_->transact([](Transaction& tx) {
    auto i = item("a1", "alert", "{}", "2026-11-27T09:00:01.000Z", "2026-11-27T09:00:01.000Z");
    i.title = "ÉCOLE fermée";
    tx.put_item(i);
    i = item("a2", "alert", "{}", "2026-11-27T09:00:02.000Z", "2026-11-27T09:00:02.000Z");
    i.title = "Übung 100%_x";
    tx.put_item(i);
  });
  ItemQuery q;
  q.title_contains = "école";
  EXPECT_TRUE(find(*store_, q).empty());
  q.title_contains = "Écol";
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"a1"});
  q.title_contains = "FERMÉE";
  EXPECT_TRUE(find(*store_, q).empty());
  q.title_contains = "cole FERM";
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"a1"});
  // Searched as text, not as a pattern.
  q.title_contains = "100%_";
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"a2"});
  q.title_contains = "0%x";
  EXPECT_TRUE(find(*store_, q).empty());
}

// Ties in time are broken by id, in byte order ("B" before "a"), newest
// first; the states' filter takes names with quotes and commas as they are.
TEST_P(ItemFacetsTest, TiesAreInByteOrderOfIdsAndStatesAreMatchedExactly) {
  store_->transact([](Transaction& tx) {
    for (const char* id : {"a1", "B1", "b1", "_1"}) {
      auto i = item(id, "case", "{}", "2026-11-27T09:00:01.000Z", "2026-11-27T09:00:01.000Z");
      if (std::string(id) == "b1") i.state = R"(odd "state", {x})";
      tx.put_item(i);
    }
  });
  EXPECT_EQ(find(*store_, {}), (std::vector<std::string>{"b1", "a1", "_1", "B1"}));
  ItemQuery q;
  q.by_creation = false;
  EXPECT_EQ(find(*store_, q), (std::vector<std::string>{"b1", "a1", "_1", "B1"}));
  q.states = {R"(odd "state", {x})", "nothing"};
  EXPECT_EQ(find(*store_, q), std::vector<std::string>{"b1"});
  q.states = {"odd"};
  EXPECT_TRUE(find(*store_, q).empty());
}

TEST(ItemFacetsMigration, FillsTheFacetsOfItemsSavedBeforeIt) {
  TempDir dir;
  put_three(*open_sqlite(dir.db()));
  {
    RawDb raw(dir.db());
    raw.exec("DELETE FROM item_facets");
    raw.exec("DELETE FROM schema_migrations WHERE version >= 15");
  }
  auto store = open_sqlite(dir.db(), {.create = false});
  ItemQuery q;
  q.origin = "theirs";
  q.priority = "urgent";
  EXPECT_EQ(find(*store, q), (std::vector<std::string>{"a1", "r1"}));
  q = {};
  q.request_kind = "takedown";
  EXPECT_EQ(find(*store, q), std::vector<std::string>{"r1"});
}

TEST_P(ItemFacetsTest, TranslationsAreKeptPerItem) {
  put_three(*store_);
  TranslationRecord t{"t1",
                      "r1",
                      "title",
                      "en",
                      "A title",
                      "tom",
                      "2026-11-27T10:00:00.000Z",
                      std::string(64, 'a')};
  store_->transact([&](Transaction& tx) { tx.insert_translation(t); });
  EXPECT_EQ(store_->read()->find_translation("t1"), t);
  EXPECT_EQ(store_->read()->list_translations("r1"), std::vector<TranslationRecord>{t});
  EXPECT_TRUE(store_->read()->list_translations("r2").empty());
  // An unknown item, a second t1: refused, nothing changed.
  auto orphan = t;
  orphan.id = "t2";
  orphan.item_id = "nope";
  EXPECT_THROW(store_->transact([&](Transaction& tx) { tx.insert_translation(orphan); }), Error);
  EXPECT_THROW(store_->transact([&](Transaction& tx) { tx.insert_translation(t); }), Error);
  EXPECT_FALSE(store_->read()->find_translation("t2"));
  EXPECT_TRUE(store_->transact([](Transaction& tx) { return tx.delete_translation("t1"); }));
  EXPECT_FALSE(store_->transact([](Transaction& tx) { return tx.delete_translation("t1"); }));
  EXPECT_TRUE(store_->read()->list_translations("r1").empty());
}

HOTLINE_BOTH_STORES(ItemFacetsTest);

}  // namespace item_facets_test
}  // namespace hotline::store::testing
