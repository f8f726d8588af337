// Helpers shared by the ledger unit tests: test-vector files, hex and
// standard base64, a naive RFC 9162 reference tree, and a storage wrapper
// that counts reads.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/ledger/merkle.h"
#include "hotline/ledger/tree_storage.h"

namespace hotline::ledger::testing {

inline std::string vectors_path(const std::string& rel) {
  return std::string(HOTLINE_VECTORS_DIR) + "/" + rel;
}

inline nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

inline std::vector<std::uint8_t> bytes_of_hex(const std::string& hex) {
  return from_hex(hex);
}

inline Digest digest_of_hex(const std::string& hex) {
  std::vector<std::uint8_t> b = from_hex(hex);
  if (b.size() != 32) throw std::runtime_error("not a 32-byte hash: " + hex);
  Digest d;
  std::copy(b.begin(), b.end(), d.begin());
  return d;
}

inline std::string string_of_hex(const std::string& hex) {
  std::vector<std::uint8_t> b = from_hex(hex);
  return std::string(b.begin(), b.end());
}

// Standard base64 (RFC 4648 §4) with padding, as the probes use; strict.
inline std::vector<std::uint8_t> base64_decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) throw std::runtime_error("base64 length not a multiple of 4");
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      std::uint32_t six = 0;
      if (c == '=') {
        if (i + 4 != text.size() || k < 2) throw std::runtime_error("misplaced base64 padding");
        ++pad;
      } else {
        if (pad != 0) throw std::runtime_error("base64 data after padding");
        const std::size_t pos = kAlphabet.find(c);
        if (pos == std::string::npos) throw std::runtime_error("bad base64 character");
        six = static_cast<std::uint32_t>(pos);
      }
      v = (v << 6) | six;
    }
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

// ---- Naive RFC 9162 §2.1 definitions, straight from the text -------------

inline std::uint64_t largest_power_of_two_below(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[begin:end]) over leaf hashes.
inline Digest naive_mth(const std::vector<Digest>& leaves, std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  if (n == 0) return empty_root();
  if (n == 1) return leaves[begin];
  const std::uint64_t k = largest_power_of_two_below(n);
  return node_hash(naive_mth(leaves, begin, begin + k), naive_mth(leaves, begin + k, end));
}

// PATH(m, D[begin:end]).
inline std::vector<Digest> naive_path(const std::vector<Digest>& leaves, std::uint64_t m,
                                      std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  if (n == 1) return {};
  const std::uint64_t k = largest_power_of_two_below(n);
  std::vector<Digest> p;
  if (m < k) {
    p = naive_path(leaves, m, begin, begin + k);
    p.push_back(naive_mth(leaves, begin + k, end));
  } else {
    p = naive_path(leaves, m - k, begin + k, end);
    p.push_back(naive_mth(leaves, begin, begin + k));
  }
  return p;
}

// SUBPROOF(m, D[begin:end], b).
inline std::vector<Digest> naive_subproof(const std::vector<Digest>& leaves, std::uint64_t m,
                                          std::uint64_t begin, std::uint64_t end, bool b) {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (b) return {};
    return {naive_mth(leaves, begin, end)};
  }
  const std::uint64_t k = largest_power_of_two_below(n);
  std::vector<Digest> p;
  if (m <= k) {
    p = naive_subproof(leaves, m, begin, begin + k, b);
    p.push_back(naive_mth(leaves, begin + k, end));
  } else {
    p = naive_subproof(leaves, m - k, begin + k, end, false);
    p.push_back(naive_mth(leaves, begin, begin + k));
  }
  return p;
}

// PROOF(m, D[n]).
inline std::vector<Digest> naive_consistency(const std::vector<Digest>& leaves, std::uint64_t m,
                                             std::uint64_t n) {
  return naive_subproof(leaves, m, 0, n, true);
}

inline Digest flip_bit(Digest d, int bit) {
  d[static_cast<std::size_t>(bit / 8) % d.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return d;
}

// ---- Storage wrappers -----------------------------------------------------

// Forwards to another storage and counts the nodes read. get_many() is not
// overridden, so the base class turns each batch into get() calls here.
class CountingStorage final : public TreeStorage {
 public:
  explicit CountingStorage(TreeStorage& inner) : inner_(inner) {}

  std::uint64_t size() override { return inner_.size(); }
  std::optional<Digest> get(int level, std::uint64_t index) override {
    ++gets;
    return inner_.get(level, index);
  }
  void put(int level, std::uint64_t index, const Digest& hash) override {
    inner_.put(level, index, hash);
  }
  void put_many(std::span<const StoredNode> nodes) override { inner_.put_many(nodes); }

  std::uint64_t gets = 0;

 private:
  TreeStorage& inner_;
};

template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  } catch (...) {
    return "<other exception>";
  }
  return "<no error>";
}

}  // namespace hotline::ledger::testing
