#include <gtest/gtest.h>

#include "store_test_util.h"

namespace hotline::store::testing {
namespace settings_test {

using SettingsTest = StoreTest;

TEST_P(SettingsTest, MissingKeyIsEmpty) {
  EXPECT_EQ(store_->read()->get_setting("party.name"), std::nullopt);
}

TEST_P(SettingsTest, RoundTripAndOverwrite) {
  store_->transact([](Transaction& tx) {
    tx.put_setting("party.name", "CERT-A");
    tx.put_setting("node.id", "");
  });
  EXPECT_EQ(store_->read()->get_setting("party.name"), "CERT-A");
  // An empty value is stored as such, not as "missing".
  EXPECT_EQ(store_->read()->get_setting("node.id"), std::string());

  store_->transact([](Transaction& tx) { tx.put_setting("party.name", "CERT-B"); });
  EXPECT_EQ(store_->read()->get_setting("party.name"), "CERT-B");
}

TEST_P(SettingsTest, ExactBytesKept) {
  const std::string value = "line 1\nline 2\t\"quoted\" Ünïcode \xe2\x9c\x93";
  store_->transact([&](Transaction& tx) { tx.put_setting("k", value); });
  EXPECT_EQ(store_->read()->get_setting("k"), value);
}

TEST_P(SettingsTest, WriteSeesItsOwnWrites) {
  auto tx = store_->write();
  tx->put_setting("a", "1");
  EXPECT_EQ(tx->get_setting("a"), "1");
  tx->commit();
}

HOTLINE_BOTH_STORES(SettingsTest);

}  // namespace settings_test
}  // namespace hotline::store::testing
