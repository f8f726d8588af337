// Translations of an item's texts (service/translation_service.h) on a real
// node: added with the SHA-256 of the text they translate, shown in the
// item's document and marked out of date when the text changes, refused
// with a clear error (nothing changed) for a bad field, language or text,
// deleted by their author or a supervisor only, never sent to the peer,
// never in an event, and TLP:RED items keep their readers.
#include "hotline/service/translation_service.h"

#include <gtest/gtest.h>

#include <string>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/translations.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace translation_service_test {

using nlohmann::json;

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

store::UserRecord user(const std::string& name, const std::string& role) {
  store::UserRecord u;
  u.name = name;
  u.roles = {role};
  return u;
}

class Translations : public testing::TwoNodesInProcess {
 protected:
  std::int64_t envelopes(Node& n) {
    return n.store->snapshot([](store::Transaction& tx) { return tx.count_envelopes(); });
  }
  std::string events(Node& n) {
    return n.store->snapshot([](store::Transaction& tx) {
      std::string out;
      for (const auto& e : tx.list_events(0, 100000)) out += e.kind + " " + e.detail + "\n";
      return out;
    });
  }
};

TEST_F(Translations, AddedShownOutOfDateAndDeleted) {
  auto c = open_case(*a_, "bravo", "Einbruch beim Registrar", model::Labels{}, "anne", now_ms());
  const std::string id = c.record.id;
  act(*a_, kCase, id, "add_entry", {{"text", "Der Server ist wieder erreichbar"}}, "anne",
      now_ms());
  const auto before_envelopes = envelopes(*a_);
  const auto tr = user("tom", "translator");
  // One millisecond apart: translations are listed by time, then by id,
  // and two ids of one millisecond are in no particular order.
  const auto t0 = now_ms();
  auto t = add_translation(*a_->store, id, {"title", "en", "Break-in at the registrar"}, tr, t0);
  auto entry = add_translation(*a_->store, id, {"timeline/1/text", "zh-CN", "服务器已恢复"}, tr,
                               t0 + std::chrono::milliseconds(1));
  EXPECT_EQ(t.by, "tom");
  EXPECT_EQ(t.source_sha256, text_sha256("Einbruch beim Registrar"));
  EXPECT_EQ(envelopes(*a_), before_envelopes) << "a translation must not travel";
  const auto log = events(*a_);
  EXPECT_NE(log.find("translation_added"), std::string::npos);
  EXPECT_EQ(log.find("Break-in"), std::string::npos) << log;
  EXPECT_EQ(log.find("服务器"), std::string::npos) << log;

  auto doc = show_item(*a_->store, id, now_ms()).document;
  ASSERT_EQ(doc["translations"].size(), 2u);
  EXPECT_EQ(doc["translations"][0]["text"], "Break-in at the registrar");
  EXPECT_EQ(doc["translations"][0]["current"], true);
  EXPECT_EQ(doc["translations"][1]["field"], "timeline/1/text");

  // A translation of a text that later changes is out of date. (A case's
  // title never changes; the document's text is what counts.)
  store::ItemRecord rec = show_item(*a_->store, id, now_ms()).record;
  auto changed = json::parse(rec.document);
  changed["title"] = "Einbruch beim Registrar (aktualisiert)";
  EXPECT_FALSE(to_json(t, changed)["current"]);
  EXPECT_TRUE(to_json(t, json::parse(rec.document))["current"]);

  // Only the author or a supervisor deletes.
  EXPECT_EQ(code_of([&] {
              delete_translation(*a_->store, id, t.id, user("otto", "operator"), now_ms());
            }),
            "translation_forbidden");
  delete_translation(*a_->store, id, entry.id, user("sue", "supervisor"), now_ms());
  delete_translation(*a_->store, id, t.id, tr, now_ms());
  EXPECT_TRUE(show_item(*a_->store, id, now_ms()).document["translations"].empty());
  EXPECT_EQ(code_of([&] { delete_translation(*a_->store, id, t.id, tr, now_ms()); }),
            "translation_unknown");
}

TEST_F(Translations, BadInputIsRefusedAndChangesNothing) {
  auto c = open_case(*a_, "bravo", "Case", model::Labels{}, "anne", now_ms());
  const auto tr = user("tom", "translator");
  for (const TranslationInput& in :
       {TranslationInput{"title", "fr", "x"}, TranslationInput{"nothing/here", "en", "x"},
        TranslationInput{"timeline", "en", "x"}, TranslationInput{"/title", "en", "x"},
        TranslationInput{"timeline/zero/text", "en", "x"}, TranslationInput{"title", "en", ""},
        TranslationInput{"title", "en", std::string(kMaxTranslationBytes + 1, 'a')}}) {
    EXPECT_EQ(code_of([&] { add_translation(*a_->store, c.record.id, in, tr, now_ms()); }),
              "translation_invalid")
        << in.field << " " << in.lang;
  }
  EXPECT_TRUE(show_item(*a_->store, c.record.id, now_ms()).document["translations"].empty());
  EXPECT_EQ(code_of([&] {
              add_translation(*a_->store, "01934b7e-5f2a-7c3d-9e8f-0a1b2c3d4e5f",
                              {"title", "en", "x"}, tr, now_ms());
            }),
            "item_unknown");
}

TEST_F(Translations, TlpRedKeepsItsReaders) {
  model::Labels red;
  red.tlp = model::Tlp::red;
  auto c = open_case(*a_, "bravo", "Geheim", red, "anne", now_ms());
  EXPECT_EQ(code_of([&] {
              add_translation(*a_->store, c.record.id, {"title", "en", "Secret"},
                              user("tom", "translator"), now_ms());
            }),
            "item_unknown");
  add_translation(*a_->store, c.record.id, {"title", "en", "Secret"}, user("anne", "operator"),
                  now_ms());
  EXPECT_EQ(events(*a_).find("Secret"), std::string::npos);
}

}  // namespace translation_service_test
}  // namespace hotline::service
