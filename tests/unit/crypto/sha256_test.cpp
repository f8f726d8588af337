#include "hotline/crypto/sha256.h"

#include <string>

#include <gtest/gtest.h>

#include "hotline/common/encoding.h"

namespace hotline::crypto {
namespace sha256_test {

std::string hex(const Digest& d) {
  return to_hex(d);
}

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(hex(sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256(std::string_view(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(
      hex(sha256(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  EXPECT_EQ(hex(sha256(million)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, SpanAndStringAgree) {
  const std::string s = "hotline";
  EXPECT_EQ(sha256(s), sha256(as_bytes(s)));
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 3000; ++i) data.push_back(static_cast<char>(i * 31));
  for (std::size_t cut : {0u, 1u, 63u, 64u, 65u, 1000u, 2999u, 3000u}) {
    Sha256 h;
    h.update(std::string_view(data).substr(0, cut));
    h.update(as_bytes(std::string_view(data).substr(cut)));
    EXPECT_EQ(h.finish(), sha256(data)) << cut;
  }
  // finish() resets: the object hashes a new message afterwards.
  Sha256 h;
  h.update("x");
  (void)h.finish();
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Movable) {
  Sha256 a;
  a.update("ab");
  Sha256 b = std::move(a);
  b.update("c");
  EXPECT_EQ(b.finish(), sha256(std::string_view("abc")));
  static_assert(!std::is_copy_constructible_v<Sha256>);
  static_assert(std::is_nothrow_move_constructible_v<Sha256>);
}

}  // namespace sha256_test
}  // namespace hotline::crypto
