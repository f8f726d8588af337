// An attachment a peer offers is fetched the same way whether or not this
// node already holds the file (issue #17): a peer cannot probe the vault.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {
namespace attachment_probe_test {

namespace fs = std::filesystem;

class AttachmentProbe : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-peer-input-" + crypto::new_id());
    fs::create_directories(dir_);
    init_node(dir_ / "n", "Alpha");
    node_ = std::make_unique<Node>(open_node(dir_ / "n"));
  }
  void TearDown() override {
    node_.reset();
    fs::remove_all(dir_);
  }

  store::AttachmentLinkRecord want(const std::string& sha, std::int64_t size,
                                   const std::string& link) {
    store::AttachmentLinkRecord w;
    w.sha256 = sha;
    w.link = link;
    w.direction = store::Direction::inbound;
    w.size = size;
    w.state = "wanted";
    w.updated_at = format_timestamp(now_ms());
    node_->store->transact([&](store::Transaction& tx) { tx.put_attachment_link(w); });
    return w;
  }

  std::string state_of(const store::AttachmentLinkRecord& w) {
    return node_->store->snapshot([&](store::Transaction& tx) {
      return tx.find_attachment_link(w.sha256, w.link, w.direction)->state;
    });
  }

  fs::path dir_;
  std::unique_ptr<Node> node_;
};

// A file we hold from elsewhere (another link, another item): a peer that
// offers its digest sees us fetch it all the same, so it learns nothing.
TEST_F(AttachmentProbe, AFileWeHoldIsFetchedAllTheSame) {
  const std::string content = "the contents of a file this node holds from another link";
  auto info = open_vault(*node_).import_bytes(content);
  auto w = want(info.sha256, info.size, "link-of-the-prober");
  int asked = 0;
  fetch_attachment(*node_, w, [&](std::int64_t offset) {
    ++asked;
    return content.substr(static_cast<std::size_t>(offset));
  });
  EXPECT_EQ(asked, 1) << "the peer could tell that we hold the file";
  EXPECT_EQ(state_of(w), "complete");

  // Content that does not match the digest fails, as for a new file, and
  // the copy we hold is kept.
  auto w2 = want(info.sha256, info.size, "link-of-another-prober");
  fetch_attachment(*node_, w2, [&](std::int64_t) { return std::string(content.size(), 'x'); });
  EXPECT_EQ(state_of(w2), "failed");
  auto held = open_vault(*node_).info(info.sha256);
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->complete);
}

}  // namespace attachment_probe_test
}  // namespace hotline::service
