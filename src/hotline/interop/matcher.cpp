#include "hotline/interop/matcher.h"

#include <arpa/inet.h>
#include <hs.h>
#include <immintrin.h>

#include <string.h>  // memrchr (GNU)
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/model/indicator.h"

namespace hotline::interop {

namespace {

// How the bytes around a literal hit are checked (see kinds_of_edges).
enum class Edge : std::uint8_t { ipv4, ipv6, domain, url, email, hash, file_name, asn };

using Addr = std::array<unsigned char, 16>;

struct Literal {
  std::uint32_t indicator = 0;
  std::uint32_t length = 0;
  Edge edge = Edge::domain;
  // URLs: from this byte on the hit must equal the value exactly (the path,
  // query and fragment); before it (scheme, host, port) case does not count.
  std::uint32_t exact_from = 0;
};

struct Range {
  std::uint64_t first_hi = 0, first_lo = 0, last_hi = 0, last_lo = 0;
  std::uint32_t indicator = 0;
  std::int32_t parent = -1;  // the nearest range before it that contains it
};

constexpr std::size_t kLongestAddress = 45;  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"

constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_word(unsigned char c) {
  return is_alnum(c) || c == '_';
}
constexpr bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_high(unsigned char c) {
  return c >= 0x80;
}
// A byte that continues a domain label (IDNs written in Unicode count).
constexpr bool is_label(unsigned char c) {
  return is_word(c) || c == '-' || is_high(c);
}
constexpr bool in(std::string_view set, unsigned char c) {
  return c != 0 && set.find(static_cast<char>(c)) != std::string_view::npos;
}
// The bytes a URL may hold, and sentence punctuation a URL may end before.
struct UrlTable {
  std::array<bool, 256> url{}, punct{};
  constexpr UrlTable() {
    for (int c = 0; c < 256; ++c) {
      const auto u = static_cast<unsigned char>(c);
      url[c] = is_alnum(u) || in("-._~:/?#[]@!$&'()*+,;=%", u);
      punct[c] = in(".,;:!?)'", u);
    }
  }
};
constexpr UrlTable kUrl;
bool is_url_char(unsigned char c) {
  return kUrl.url[c];
}
bool is_url_punct(unsigned char c) {
  return kUrl.punct[c];
}

// The rules for one side of a hit, `c` the byte just outside it (0 when there
// is none: the start or end of the stream) and `c2` the byte after that on
// the right.
//   ipv4       not after a letter, digit, '_' or '.'; not before one, nor
//              before a '.' and a digit ("10.0.0.1.5" is not 10.0.0.1)
//   ipv6       as ipv4, ':' counts too
//   domain     not after a label byte (a '.' before is a subdomain: hits);
//              not before a label byte, nor before a '.' and a label byte
//   email      as domain, and not after '.', '%', '+' (a longer local part)
//   file-name  as domain, and not after '.'
//   url        not after a scheme byte; at the end, a byte that cannot be in
//              a URL, or sentence punctuation followed by one
//   hash, asn  not next to a letter, digit or '_'
bool left_ok(Edge e, unsigned char c) {
  if (c == 0) return true;
  switch (e) {
    case Edge::ipv4:
      return !is_word(c) && c != '.';
    case Edge::ipv6:
      return !is_word(c) && c != '.' && c != ':';
    case Edge::domain:
      return !is_label(c);
    case Edge::email:
      return !is_label(c) && c != '.' && c != '%' && c != '+';
    case Edge::file_name:
      return !is_label(c) && c != '.';
    case Edge::url:
      return !is_alnum(c) && c != '+' && c != '-' && c != '.';
    case Edge::hash:
    case Edge::asn:
      return !is_word(c);
  }
  return false;
}

bool right_ok(Edge e, unsigned char c, unsigned char c2) {
  if (c == 0) return true;
  switch (e) {
    case Edge::ipv4:
      return !is_word(c) && !(c == '.' && is_digit(c2));
    case Edge::ipv6:
      return !is_word(c) && c != ':' && !(c == '.' && is_digit(c2));
    case Edge::domain:
    case Edge::email:
    case Edge::file_name:
      return !is_label(c) && !(c == '.' && is_label(c2));
    case Edge::url:
      if (!is_url_char(c)) return true;
      return is_url_punct(c) && !is_url_char(c2);
    case Edge::hash:
    case Edge::asn:
      return !is_word(c);
  }
  return false;
}

struct TypeRule {
  std::string_view type;
  Edge edge;
  bool caseless;
};
constexpr std::array<TypeRule, 10> kRules{{
    {"ipv4-addr", Edge::ipv4, false},
    {"ipv6-addr", Edge::ipv6, true},
    {"domain-name", Edge::domain, true},
    {"url", Edge::url, true},
    {"email-addr", Edge::email, true},
    {"md5", Edge::hash, true},
    {"sha1", Edge::hash, true},
    {"sha256", Edge::hash, true},
    {"file-name", Edge::file_name, true},
    {"autonomous-system", Edge::asn, true},
}};

const TypeRule& rule_of(const std::string& type) {
  for (const auto& r : kRules) {
    if (r.type == type) return r;
  }
  throw Error(ErrorCategory::invalid_input, "indicator_invalid",
              "indicator type: expected one of the ten indicator types (ipv4-addr, ..., "
              "autonomous-system), found \"" +
                  escape_text(type, 64) + "\"");
}

// Where a URL's path (or query, or fragment) starts: after "scheme://host".
std::uint32_t url_exact_from(std::string_view url) {
  auto p = url.find("://");
  if (p == std::string_view::npos) return 0;
  auto q = url.find_first_of("/?#", p + 3);
  return static_cast<std::uint32_t>(q == std::string_view::npos ? url.size() : q);
}

struct HsDatabaseFree {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct HsScratchFree {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};

// ---- the token table ----------------------------------------------------------

struct Key {
  std::uint64_t hash = 0;
  std::uint32_t indicator = 0;
};

// A hash of n bytes that ignores ASCII case: every byte is ORed with 0x20
// (which lowercases letters and changes no digit, '.', '-' or ':'; the
// bytes it confuses, like '@' and '`', are told apart by the comparison
// after the lookup).
std::uint64_t fold_hash(const char* p, std::size_t n) {
  constexpr std::uint64_t kFold = 0x2020202020202020ULL, kMul = 0x9E3779B97F4A7C15ULL,
                          kMul2 = 0xC2B2AE3D27D4EB4FULL;
  const auto load = [](const char* q) {
    std::uint64_t x;
    std::memcpy(&x, q, 8);
    return x | kFold;
  };
  std::uint64_t h = (n + 1) * kMul, g = n * kMul2 + 1;
  if (n < 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, p, n);
    h = (h ^ (x | (kFold >> (8 * (8 - n) - 1) >> 1))) * kMul;
  } else {
    // Two lanes of 8 bytes (one multiply chain each), the last 8 bytes
    // (overlapping) for a tail.
    const char* end = p + n;
    for (; p + 16 <= end; p += 16) {
      h = (h ^ load(p)) * kMul;
      g = (g ^ load(p + 8)) * kMul2;
      h ^= h >> 32;
      g ^= g >> 29;
    }
    if (p + 8 <= end) {
      h = (h ^ load(p)) * kMul;
      h ^= h >> 32;
      p += 8;
    }
    if (p < end) g = (g ^ load(end - 8)) * kMul2;
  }
  h ^= g;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

// Where the keys of a hash are in a table of keys sorted by hash: a
// directory by the hash's top bits (about one key per entry), so that a
// lookup reads two places, not the ~17 of a binary search.
struct KeyIndex {
  std::vector<std::uint32_t> first;  // 2^bits + 1 entries
  unsigned bits = 0;

  void build(const std::vector<Key>& keys) {
    bits = 1;
    while (bits < 24 && (std::size_t{1} << (bits + 1)) <= keys.size()) ++bits;
    first.assign((std::size_t{1} << bits) + 1, 0);
    for (const auto& k : keys) ++first[(k.hash >> (64 - bits)) + 1];
    for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  }
  // Calls f(key) for each key of hash h.
  template <class F>
  void each(const std::vector<Key>& keys, std::uint64_t h, F&& f) const {
    const auto b = static_cast<std::size_t>(h >> (64 - bits));
    for (std::uint32_t i = first[b], end = first[b + 1]; i < end; ++i) {
      if (keys[i].hash == h) f(keys[i]);
    }
  }
};

// A blocked Bloom filter: 1 Mi bits (128 KiB, to stay in the core's L2
// cache beside the text streaming through), two bits per key in one 64-bit
// word: about 3 % false positives at 100,000 keys, one memory access.
constexpr unsigned kBloomWordBits = 14;  // 16,384 words
std::size_t bloom_word(std::uint64_t h) {
  return static_cast<std::size_t>(h >> (64 - kBloomWordBits));
}
std::uint64_t bloom_bits(std::uint64_t h) {
  return (std::uint64_t{1} << (h & 63)) | (std::uint64_t{1} << ((h >> 6) & 63));
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// One run of the scanner: label bytes joined by single dots, not starting
// or ending with a dot (a domain, a hash, "AS64500", "evil.exe").
bool fits_run(std::string_view v) {
  if (v.empty() || !is_label(static_cast<unsigned char>(v.front())) ||
      !is_label(static_cast<unsigned char>(v.back()))) {
    return false;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (is_label(c)) continue;
    if (c != '.' || !is_label(static_cast<unsigned char>(v[i + 1]))) return false;
  }
  return true;
}

bool is_local_part(unsigned char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool fits_email(std::string_view v) {
  const auto at_sign = v.find('@');
  if (at_sign == 0 || at_sign == std::string_view::npos) return false;
  for (std::size_t i = 0; i < at_sign; ++i) {
    if (!is_local_part(static_cast<unsigned char>(v[i]))) return false;
  }
  return fits_run(v.substr(at_sign + 1));
}

bool fits_url(std::string_view v) {
  const auto p = v.find("://");
  if (p == 0 || p == std::string_view::npos) return false;
  for (std::size_t i = 0; i < p; ++i) {
    if (!is_label(static_cast<unsigned char>(v[i]))) return false;
  }
  for (char c : v) {
    if (!is_url_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An address as two big-endian halves: comparing them is comparing the
// addresses.
struct Wide {
  std::uint64_t hi = 0, lo = 0;
  bool operator==(const Wide&) const = default;
};
Wide wide(const Addr& a) {
  std::uint64_t hi, lo;
  std::memcpy(&hi, a.data(), 8);
  std::memcpy(&lo, a.data() + 8, 8);
  return Wide{__builtin_bswap64(hi), __builtin_bswap64(lo)};
}
bool addr_less(const Wide& a, const Wide& b) {
  return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
}
bool addr_le(const Wide& a, const Wide& b) {
  return !addr_less(b, a);
}
std::uint64_t addr_hash(const Wide& a) {
  std::uint64_t h = (a.hi ^ (a.lo * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

}  // namespace

struct Matcher::Impl {
  std::vector<MatchIndicator> indicators;
  std::vector<Literal> info;  // by indicator: its edges, length, exact part
  // The token table: (fold_hash of the value, indicator), sorted, with a
  // Bloom filter of the hashes in front of it.
  std::vector<Key> keys;
  KeyIndex keys_index;
  std::vector<std::uint64_t> bloom;
  // Before the Bloom filter, 2 KiB each: by a key's first byte (ORed with
  // 0x20), bit min(length, 63) set for each key; the keys a run can be
  // (`starts`), split in those with a dot and those without, and the
  // e-mail addresses and URLs (`starts_other`).
  std::array<std::uint64_t, 256> starts{}, starts_dotted{}, starts_plain{}, starts_other{};
  std::size_t shortest_run = static_cast<std::size_t>(-1), longest_run = 0;
  std::size_t shortest_domain = static_cast<std::size_t>(-1), longest_domain = 0;
  bool suffixes = false, emails = false, urls = false;
  // Runs shorter than this can hit only beside a ':' or '@' (1 to 7).
  std::size_t short_run = 7;
  // Values that are no token of the scanner's grammar (a file name with a
  // space, ...): the literals of a Hyperscan database, by id.
  std::vector<std::uint32_t> literals;
  std::unique_ptr<hs_database_t, HsDatabaseFree> db;
  // Single addresses: (addr_hash, indicator), sorted, behind the same Bloom
  // filter, and each one's address by indicator.
  std::vector<Key> points;
  KeyIndex points_index;
  std::vector<Wide> point_of;
  // Address ranges by (first, last descending); parents before children.
  std::vector<Range> ranges;
  bool has_range = false;
  // Bit n: some range holds an IPv4 address of the /16 n (65,536 bits): the
  // range table is searched for an IPv4 address only when its bit is set.
  std::vector<std::uint64_t> v4_slash16;
  bool any_address = false;
  std::size_t longest = 0;  // the longest token that can hit, in bytes

  void add(std::size_t index);
  void build_keys();
  void compile();
  void sort_ranges();
  // Every range containing `a`, deepest first.
  template <class F>
  void ranges_containing(const Wide& a, F&& f) const;
  // The single addresses and the ranges holding `a`.
  template <class F>
  void addresses_of(const Addr& a, F&& f) const;
  // The indicators whose value is data[s, e) (its edges checked).
  template <class F>
  void lookup(std::string_view d, std::size_t s, std::size_t e, F&& found) const;
};

void Matcher::Impl::add(std::size_t index) {
  auto& ind = indicators[index];
  const TypeRule& rule = rule_of(ind.type);
  ind.value = model::normalize_indicator(ind.type, ind.value);
  auto& lit = info[index];
  lit.indicator = static_cast<std::uint32_t>(index);
  lit.length = static_cast<std::uint32_t>(ind.value.size());
  lit.edge = rule.edge;
  lit.exact_from = rule.edge == Edge::url ? url_exact_from(ind.value) : lit.length;
  if (rule.edge == Edge::ipv4 || rule.edge == Edge::ipv6) {
    auto span = model::address_span(ind.type, ind.value);
    if (!span) {
      throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                  ind.type + ": expected an address or a range, found \"" +
                      escape_text(ind.value, 64) + "\"");
    }
    const Wide first = wide(span->first), last = wide(span->last);
    if (first == last) {
      points.push_back(Key{addr_hash(first), static_cast<std::uint32_t>(index)});
      point_of.resize(indicators.size());
      point_of[index] = first;
    } else {
      ranges.push_back(
          Range{first.hi, first.lo, last.hi, last.lo, static_cast<std::uint32_t>(index), -1});
      has_range = true;
    }
    longest = std::max(longest, kLongestAddress);
    return;
  }
  longest = std::max<std::size_t>(longest, lit.length);
  const std::string_view v = ind.value;
  const bool token = rule.edge == Edge::email ? fits_email(v)
                     : rule.edge == Edge::url ? fits_url(v)
                                              : fits_run(v);
  if (!token) {
    literals.push_back(static_cast<std::uint32_t>(index));
    return;
  }
  keys.push_back(Key{fold_hash(v.data(), v.size()), static_cast<std::uint32_t>(index)});
  const std::uint64_t length_bit = std::uint64_t{1} << std::min<std::size_t>(v.size(), 63);
  const auto first = static_cast<unsigned char>(v.front()) | 0x20;
  if (rule.edge == Edge::email || rule.edge == Edge::url) {
    starts_other[first] |= length_bit;
  } else {
    starts[first] |= length_bit;
    (v.find('.') == std::string_view::npos ? starts_plain : starts_dotted)[first] |= length_bit;
  }
  if (rule.edge == Edge::email) {
    emails = true;
  } else if (rule.edge == Edge::url) {
    urls = true;
  } else {
    if (rule.edge == Edge::domain) {
      suffixes = true;
      shortest_domain = std::min(shortest_domain, v.size());
      longest_domain = std::max(longest_domain, v.size());
    }
    shortest_run = std::min(shortest_run, v.size());
    longest_run = std::max(longest_run, v.size());
  }
}

void Matcher::Impl::build_keys() {
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.indicator < b.indicator;
  });
  std::sort(points.begin(), points.end(), [](const Key& a, const Key& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.indicator < b.indicator;
  });
  keys_index.build(keys);
  points_index.build(points);
  if (keys.empty() && points.empty()) return;
  bloom.assign(std::size_t{1} << kBloomWordBits, 0);
  for (const auto& k : keys) bloom[bloom_word(k.hash)] |= bloom_bits(k.hash);
  for (const auto& k : points) bloom[bloom_word(k.hash)] |= bloom_bits(k.hash);
}

void Matcher::Impl::compile() {
  if (literals.empty()) return;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  std::vector<std::size_t> lens;
  exprs.reserve(literals.size());
  for (std::size_t i = 0; i < literals.size(); ++i) {
    const auto& ind = indicators[literals[i]];
    exprs.push_back(ind.value.data());
    lens.push_back(ind.value.size());
    ids.push_back(static_cast<unsigned>(i));
    flags.push_back(rule_of(ind.type).caseless ? HS_FLAG_CASELESS : 0u);
  }
  hs_database_t* raw = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &raw,
                           &err) != HS_SUCCESS) {
    std::string what = err && err->message ? err->message : "unknown";
    hs_free_compile_error(err);
    throw Error(ErrorCategory::internal, "matcher_build",
                "building the indicator matcher: expected Hyperscan to compile " +
                    std::to_string(exprs.size()) + " literals, it said: " + what);
  }
  db.reset(raw);
}

void Matcher::Impl::sort_ranges() {
  auto first = [](const Range& r) { return Wide{r.first_hi, r.first_lo}; };
  auto last = [](const Range& r) { return Wide{r.last_hi, r.last_lo}; };
  std::sort(ranges.begin(), ranges.end(), [&](const Range& a, const Range& b) {
    if (!(first(a) == first(b))) return addr_less(first(a), first(b));
    if (!(last(a) == last(b))) return addr_less(last(b), last(a));
    return a.indicator < b.indicator;
  });
  // The IPv4 /16s each range touches (IPv4 as ::ffff:a.b.c.d).
  v4_slash16.assign(1024, 0);
  const Wide v4_first{0, 0xffff00000000ULL}, v4_last{0, 0xffffffffffffULL};
  for (const auto& r : ranges) {
    const Wide lo = addr_less(first(r), v4_first) ? v4_first : first(r);
    const Wide hi = addr_less(v4_last, last(r)) ? v4_last : last(r);
    if (addr_less(hi, lo)) continue;
    for (std::uint64_t n = (lo.lo >> 16) & 0xffff; n <= ((hi.lo >> 16) & 0xffff); ++n) {
      v4_slash16[n >> 6] |= std::uint64_t{1} << (n & 63);
    }
  }
  // CIDR ranges are nested or apart: the open ones form a stack.
  std::vector<std::int32_t> open;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    while (!open.empty() && addr_less(last(ranges[open.back()]), first(ranges[i]))) open.pop_back();
    ranges[i].parent = open.empty() ? -1 : open.back();
    open.push_back(static_cast<std::int32_t>(i));
  }
}

template <class F>
void Matcher::Impl::ranges_containing(const Wide& a, F&& f) const {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), a, [](const Wide& x, const Range& r) {
    return addr_less(x, Wide{r.first_hi, r.first_lo});
  });
  if (it == ranges.begin()) return;
  auto i = static_cast<std::int32_t>(it - ranges.begin()) - 1;
  while (i >= 0 && !addr_le(a, Wide{ranges[i].last_hi, ranges[i].last_lo})) i = ranges[i].parent;
  for (; i >= 0; i = ranges[i].parent) f(ranges[i].indicator);
}

template <class F>
void Matcher::Impl::addresses_of(const Addr& a, F&& f) const {
  const Wide w = wide(a);
  if (!points.empty()) {
    const std::uint64_t h = addr_hash(w);
    if ((bloom[bloom_word(h)] & bloom_bits(h)) == bloom_bits(h)) {
      points_index.each(points, h, [&](const Key& k) {
        if (point_of[k.indicator] == w) f(k.indicator);
      });
    }
  }
  if (!has_range) return;
  if (w.hi == 0 && (w.lo >> 32) == 0xffff) {
    const std::uint64_t n = (w.lo >> 16) & 0xffff;
    if (!((v4_slash16[n >> 6] >> (n & 63)) & 1)) return;
  }
  ranges_containing(w, f);
}

template <class F>
void Matcher::Impl::lookup(std::string_view d, std::size_t s, std::size_t e, F&& found) const {
  const std::size_t n = e - s;
  const std::uint64_t h = fold_hash(d.data() + s, n);
  if ((bloom[bloom_word(h)] & bloom_bits(h)) != bloom_bits(h)) return;
  keys_index.each(keys, h, [&](const Key& k) {
    const Literal& lit = info[k.indicator];
    const std::string& v = indicators[k.indicator].value;
    if (lit.length != n) return;
    for (std::size_t i = 0; i < n; ++i) {
      const bool same =
          i < lit.exact_from ? ascii_lower(d[s + i]) == ascii_lower(v[i]) : d[s + i] == v[i];
      if (!same) return;
    }
    const auto prev = s == 0 ? 0 : static_cast<unsigned char>(d[s - 1]);
    const auto next = e < d.size() ? static_cast<unsigned char>(d[e]) : 0;
    const auto next2 = e + 1 < d.size() ? static_cast<unsigned char>(d[e + 1]) : 0;
    if (left_ok(lit.edge, prev) && right_ok(lit.edge, next, next2)) found(s, n, k.indicator);
  });
}

Matcher::Matcher(std::vector<MatchIndicator> indicators) : impl_(std::make_unique<Impl>()) {
  impl_->indicators = std::move(indicators);
  impl_->info.resize(impl_->indicators.size());
  for (std::size_t i = 0; i < impl_->indicators.size(); ++i) impl_->add(i);
  impl_->build_keys();
  impl_->compile();
  impl_->sort_ranges();
  impl_->any_address = !impl_->points.empty() || impl_->has_range;
  if (impl_->shortest_run <= impl_->short_run) impl_->short_run = impl_->shortest_run;
  if (impl_->suffixes && impl_->shortest_domain < impl_->short_run) {
    impl_->short_run = impl_->shortest_domain + 1;
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

const std::vector<MatchIndicator>& Matcher::indicators() const {
  return impl_->indicators;
}

bool Matcher::has_ranges() const {
  return impl_->has_range;
}

void Matcher::scan(std::string_view text, const HitFn& on_hit) const {
  MatchStream s(*this);
  s.feed(text, on_hit);
  s.finish(on_hit);
}

// ---- the stream ---------------------------------------------------------------

namespace {

struct Pending {
  std::size_t start = 0, length = 0;
  std::uint32_t indicator = 0;
};

// '\n' bytes in [p, p + n), 32 at a time.
__attribute__((target("avx2,popcnt"))) std::size_t count_newlines_avx2(const char* p,
                                                                       std::size_t n) {
  const __m256i nl = _mm256_set1_epi8('\n');
  std::size_t count = 0, i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    count += static_cast<std::size_t>(
        __builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)))));
  }
  for (; i < n; ++i) count += p[i] == '\n';
  return count;
}

bool cpu_has_avx2() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("popcnt") != 0;
  }();
  return yes;
}

// '\n' bytes in [p, p + n), eight at a time (or 32 with AVX2).
std::size_t count_newlines(const char* p, std::size_t n) {
  if (n >= 64 && cpu_has_avx2()) return count_newlines_avx2(p, n);
  constexpr std::uint64_t k7f = 0x7f7f7f7f7f7f7f7fULL, kNl = 0x0a0a0a0a0a0a0a0aULL;
  std::size_t count = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, p + i, 8);
    x ^= kNl;  // a newline is now a zero byte
    std::uint64_t t = ~(((x & k7f) + k7f) | x | k7f);
    count += ((t >> 7) * 0x0101010101010101ULL) >> 56;
  }
  for (; i < n; ++i) count += p[i] == '\n';
  return count;
}

std::optional<Addr> parse_ipv4(std::string_view t) {
  Addr a{};
  a[10] = a[11] = 0xff;
  std::size_t part = 0, i = 0;
  while (part < 4) {
    std::size_t digits = 0;
    unsigned v = 0;
    while (i < t.size() && is_digit(static_cast<unsigned char>(t[i])) && digits < 4) {
      v = v * 10 + static_cast<unsigned>(t[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && t[i - digits] == '0')) {
      return std::nullopt;
    }
    a[12 + part] = static_cast<unsigned char>(v);
    ++part;
    if (part < 4) {
      if (i >= t.size() || t[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != t.size()) return std::nullopt;
  return a;
}

std::optional<Addr> parse_ipv6(std::string_view t) {
  if (t.size() > kLongestAddress) return std::nullopt;
  char buf[kLongestAddress + 1];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  Addr a{};
  if (inet_pton(AF_INET6, buf, a.data()) != 1) return std::nullopt;
  return a;
}

bool is_addr_char(unsigned char c) {
  return is_hex(c) || c == ':' || c == '.';
}

}  // namespace

struct MatchStream::State {
  std::unique_ptr<hs_scratch_t, HsScratchFree> scratch;
  std::string carry;       // the partial last line (or the tail of a long one)
  std::uint64_t pos = 0;   // stream offset of carry[0], or of the next byte
  std::uint64_t line = 1;  // the line number at carry[0]
  // Where that line starts, relative to carry[0] (negative after a long
  // line was cut); during scan(), relative to its data.
  std::int64_t line_start = 0;
  std::size_t min_end = 0;  // hits that end at or before this were reported
  std::vector<std::pair<unsigned, std::size_t>> raw;  // Hyperscan id, end
  std::vector<Pending> pending;
};

MatchStream::MatchStream(const Matcher& matcher)
    : m_(*matcher.impl_), s_(std::make_unique<State>()) {
  if (m_.db) {
    hs_scratch_t* raw = nullptr;
    if (hs_alloc_scratch(m_.db.get(), &raw) != HS_SUCCESS) {
      throw Error(ErrorCategory::internal, "matcher_scratch",
                  "scanning: expected Hyperscan scratch space, could not allocate it");
    }
    s_->scratch.reset(raw);
  }
}

MatchStream::~MatchStream() = default;

namespace {

struct ScanInput {
  std::string_view data;    // the bytes at hand; data[0] starts a line or follows a cut
  std::size_t limit = 0;    // hits ending at or before this are decided now
  std::size_t min_end = 0;  // ... and after this
  bool final = false;       // data ends the stream
};

unsigned char at(std::string_view d, std::size_t i) {
  return i < d.size() ? static_cast<unsigned char>(d[i]) : 0;
}

int on_literal(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
               void* ctx) {
  static_cast<std::vector<std::pair<unsigned, std::size_t>>*>(ctx)->emplace_back(
      id, static_cast<std::size_t>(to));
  return 0;
}

void check_literals(const Matcher::Impl& m,
                    const std::vector<std::pair<unsigned, std::size_t>>& raw, const ScanInput& in,
                    std::vector<Pending>& out) {
  for (const auto& [id, end] : raw) {
    const std::uint32_t index = m.literals[id];
    const Literal& lit = m.info[index];
    if (end <= in.min_end || end > in.limit) continue;
    const std::size_t start = end - lit.length;
    if (!left_ok(lit.edge, start == 0 ? 0 : at(in.data, start - 1))) continue;
    if (!right_ok(lit.edge, at(in.data, end), at(in.data, end + 1))) continue;
    if (lit.exact_from < lit.length &&
        std::memcmp(in.data.data() + start + lit.exact_from,
                    m.indicators[index].value.data() + lit.exact_from,
                    lit.length - lit.exact_from) != 0) {
      continue;
    }
    out.push_back(Pending{start, lit.length, index});
  }
}

// One address token t = data[s, e) (the run's edges already checked).
template <class F>
void address_token(std::string_view d, std::size_t s, std::size_t e, F&& found) {
  while (s < e && d[s] == '.') ++s;
  while (e > s && d[e - 1] == '.') --e;
  if (e - s < 2) return;
  std::string_view t = d.substr(s, e - s);
  if (t.find(':') == std::string_view::npos) {
    if (auto a = parse_ipv4(t)) found(s, e, *a);
    return;
  }
  if (auto a = parse_ipv6(t)) {
    found(s, e, *a);
    return;
  }
  // "192.0.2.1:443", "12:34:56": the parts between colons that are IPv4.
  std::size_t p = s;
  while (p < e) {
    std::size_t q = d.find(':', p);
    if (q == std::string_view::npos || q > e) q = e;
    if (q - p >= 7) {
      if (auto a = parse_ipv4(d.substr(p, q - p))) found(p, q, *a);
    }
    p = q + 1;
  }
}

// The scanner's byte classes: 1 a label byte (letters, digits, '_', '-',
// bytes of UTF-8 sequences), 0 anything else.
struct LabelTable {
  std::array<bool, 256> label{};
  constexpr LabelTable() {
    for (int c = 0; c < 256; ++c) label[c] = is_label(static_cast<unsigned char>(c));
  }
};
constexpr LabelTable kClass;

// Bit i of `label`: q[i] is a label byte; of `dot`: q[i] is '.'; of
// `colon_at`: q[i] is ':' or '@' (32 bytes).
__attribute__((target("avx2"))) void masks32_avx2(const char* q, std::uint32_t& label,
                                                  std::uint32_t& dot, std::uint32_t& colon_at) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
  const __m256i letter = _mm256_and_si256(_mm256_cmpgt_epi8(lower, _mm256_set1_epi8('a' - 1)),
                                          _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), lower));
  const __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
  const __m256i other = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')),
                                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')));
  const __m256i lab = _mm256_or_si256(_mm256_or_si256(letter, digit), other);
  // Bytes from 0x80 on (UTF-8) have their sign bit set: movemask of v itself.
  label = static_cast<std::uint32_t>(_mm256_movemask_epi8(lab)) |
          static_cast<std::uint32_t>(_mm256_movemask_epi8(v));
  dot =
      static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'))));
  colon_at = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(
      _mm256_cmpeq_epi8(v, _mm256_set1_epi8(':')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('@')))));
}

// Bit i: q[i] is '.' (32 bytes).
__attribute__((target("avx2"))) std::uint32_t dot_mask32(const char* q) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  return static_cast<std::uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'))));
}

// The same for 64 bytes.
struct Masks {
  std::uint64_t label = 0, dot = 0, colon_at = 0;
};
Masks masks_avx2(const char* p) {
  std::uint32_t l0, d0, c0, l1, d1, c1;
  masks32_avx2(p, l0, d0, c0);
  masks32_avx2(p + 32, l1, d1, c1);
  return Masks{l0 | (static_cast<std::uint64_t>(l1) << 32),
               d0 | (static_cast<std::uint64_t>(d1) << 32),
               c0 | (static_cast<std::uint64_t>(c1) << 32)};
}

std::uint64_t bit(bool b) {
  return static_cast<std::uint64_t>(b);
}

class Tokenizer {
 public:
  Tokenizer(const Matcher::Impl& m, const ScanInput& in, std::vector<Pending>& out)
      : m_(m), in_(in), d_(in.data), out_(out) {}

  void run() {
    std::size_t i = 0;
    if (cpu_has_avx2()) i = run_chunks();
    run_bytes(i);
  }

 private:
  // 64 bytes at a time: where runs start and end, from the byte classes'
  // bit masks; stops before the last 65 bytes (and at the limit), where
  // run_bytes() goes on, with the run open there if there is one. Only the
  // runs that can hit go to on_run(): those of at least m_.short_run bytes,
  // those before a ':' or '@' (an IPv6 group, a URL's scheme, an e-mail
  // address's local part) and those after a ':' (an IPv6 group).
  std::size_t run_chunks() {
    const std::size_t n = d_.size();
    std::size_t i = 0;
    std::uint64_t prev_run = 0;
    bool prev_colon_at = false, open_chosen = false;
    while (i + 66 <= n && i < in_.limit) {
      const Masks k = masks_avx2(d_.data() + i);
      // A dot is in a run between two label bytes.
      const auto after = static_cast<unsigned char>(d_[i + 64]);
      const bool next_label = kClass.label[after];
      const bool prev_label = i > 0 && kClass.label[static_cast<unsigned char>(d_[i - 1])];
      const bool next_run = next_label || (after == '.' && (k.label >> 63) != 0 &&
                                           kClass.label[static_cast<unsigned char>(d_[i + 65])]);
      const std::uint64_t run = k.label | (k.dot & ((k.label >> 1) | (bit(next_label) << 63)) &
                                           ((k.label << 1) | bit(prev_label)));
      const std::uint64_t starts = run & ~((run << 1) | bit(open_));
      const std::uint64_t ends = run & ~((run >> 1) | (bit(next_run) << 63));
      // Bytes with at least short_run - 1 run bytes before them.
      std::uint64_t long_enough = run;
      for (std::size_t b = 1; b < m_.short_run; ++b) {
        long_enough &= (run << b) | (prev_run >> (64 - b));
      }
      const std::uint64_t next_special =
          (k.colon_at >> 1) | (bit(after == ':' || after == '@') << 63);
      // Runs after a ':' or '@', chosen at their start: the choice carried
      // to their end by an addition.
      const std::uint64_t seeds =
          (starts & ((k.colon_at << 1) | bit(prev_colon_at))) | (bit(open_ && open_chosen) & run);
      const std::uint64_t chosen_at_start = ((run + seeds) ^ run) & run;
      const std::uint64_t run_dots = run & k.dot;
      std::uint64_t chosen = ends & (long_enough | next_special | chosen_at_start);
      while (chosen) {
        const auto b = static_cast<unsigned>(__builtin_ctzll(chosen));
        chosen &= chosen - 1;
        const std::uint64_t upto = (std::uint64_t{2} << b) - 1;  // bits 0 to b
        const std::uint64_t before = starts & upto;
        std::size_t s = start_;
        bool dotted = open_dotted_ && open_;
        if (before) {
          const auto a = static_cast<unsigned>(63 - __builtin_clzll(before));
          s = i + a;
          dotted = (run_dots & upto & ~((std::uint64_t{1} << a) - 1)) != 0;
        } else {
          dotted = dotted || (run_dots & upto) != 0;
        }
        if (s >= resume_ && s < in_.limit) {
          resume_ = std::max(resume_, on_run(s, i + b + 1, dotted));
        }
      }
      if (next_run && (run >> 63) != 0) {
        if (starts) {
          const auto a = static_cast<unsigned>(63 - __builtin_clzll(starts));
          start_ = i + a;
          open_dotted_ = (run_dots >> a) != 0;
        } else {
          open_dotted_ = (open_ && open_dotted_) || run_dots != 0;
        }
        open_ = true;
        open_chosen = (chosen_at_start >> 63) != 0;
      } else {
        open_ = false;
      }
      prev_run = run;
      prev_colon_at = (k.colon_at >> 63) != 0;
      i += 64;
    }
    return i;
  }

  // Byte by byte from `i`.
  void run_bytes(std::size_t i) {
    const std::size_t n = d_.size();
    i = std::max(i, resume_);
    while (true) {
      std::size_t s = start_;
      if (!open_) {
        while (i < in_.limit && !kClass.label[static_cast<unsigned char>(d_[i])]) ++i;
        if (i >= in_.limit) return;
        s = i;
      }
      open_ = false;
      while (i < n) {
        const auto c = static_cast<unsigned char>(d_[i]);
        if (kClass.label[c] ||
            (c == '.' && i + 1 < n && kClass.label[static_cast<unsigned char>(d_[i + 1])])) {
          ++i;
        } else {
          break;
        }
      }
      if (i == n && !in_.final) return;  // the run may go on in the next block
      if (s >= resume_ && s < in_.limit) {
        i = std::max(i, on_run(s, i, std::memchr(d_.data() + s, '.', i - s) != nullptr));
      }
    }
  }

  void hit(std::size_t s, std::size_t len, std::uint32_t indicator) {
    const std::size_t e = s + len;
    if (e > in_.min_end && e <= in_.limit) out_.push_back(Pending{s, len, indicator});
  }
  // Looks d[s, e) up if a key of its first byte and length is in `table`.
  void look(std::size_t s, std::size_t e, const std::array<std::uint64_t, 256>& table) {
    const std::uint64_t lengths = table[static_cast<unsigned char>(d_[s]) | 0x20];
    if (!((lengths >> std::min<std::size_t>(e - s, 63)) & 1)) return;
    m_.lookup(d_, s, e,
              [&](std::size_t hs, std::size_t len, std::uint32_t ind) { hit(hs, len, ind); });
  }
  void address(std::size_t s, std::size_t e, const Addr& a) {
    m_.addresses_of(a, [&](std::uint32_t indicator) { hit(s, e - s, indicator); });
  }

  // Looks the run d[s, e) up; returns where the scan goes on.
  // `dotted`: the run holds a dot.
  std::size_t on_run(std::size_t s, std::size_t e, bool dotted) {
    const std::size_t len = e - s;
    if (len >= m_.shortest_run && len <= m_.longest_run) {
      look(s, e, dotted ? m_.starts_dotted : m_.starts_plain);
    }
    if (dotted && m_.suffixes && len > m_.shortest_domain &&
        !is_digit(static_cast<unsigned char>(d_[e - 1]))) {
      parents(s, e);
    }
    std::size_t next = e;
    if (m_.any_address) next = addresses(s, e);
    const auto c = e < d_.size() ? d_[e] : '\0';
    if (m_.emails && c == '@') email(s, e);
    if (m_.urls && c == ':' && e + 2 < d_.size() && d_[e + 1] == '/' && d_[e + 2] == '/') url(s, e);
    return next;
  }

  // The parents of the domain d[s, e) that could be in the table: what
  // follows each dot, from shortest_domain to longest_domain bytes long.
  void parents(std::size_t s, std::size_t e) {
    const std::size_t lo = std::max(s, e > m_.longest_domain ? e - m_.longest_domain - 1 : 0);
    const std::size_t hi = e - m_.shortest_domain;  // dots in [lo, hi)
    std::size_t p = lo;
    if (cpu_has_avx2()) {
      for (; p < hi && p + 32 <= d_.size(); p += 32) {
        std::uint32_t dots = dot_mask32(d_.data() + p);
        if (hi - p < 32) dots &= (std::uint32_t{1} << (hi - p)) - 1;
        for (; dots; dots &= dots - 1)
          look(p + static_cast<std::size_t>(__builtin_ctz(dots)) + 1, e, m_.starts);
      }
    }
    for (; p < hi; ++p) {
      if (d_[p] == '.') look(p + 1, e, m_.starts);
    }
  }

  std::size_t addresses(std::size_t s, std::size_t e) {
    const auto first = static_cast<unsigned char>(d_[s]);
    const bool before_colons = s >= 2 && d_[s - 1] == ':' && d_[s - 2] == ':';
    if ((e < d_.size() && d_[e] == ':' && e - s <= 4) || before_colons) return ipv6(s, e);
    if (!is_digit(first) || len_ok(e - s) == false) return e;
    if (s > 0 && d_[s - 1] == '.') return e;  // ".10.0.0.1": not after a dot
    // A dotted quad has a dot after its first 1 to 3 digits: not so a date,
    // a number or a hash, which are not read any further.
    if (d_[s + 1] != '.' && d_[s + 2] != '.' && d_[s + 3] != '.') return e;
    // "192.0.2.1", or pieces of "192.0.2.1-192.0.2.9"
    std::size_t p = s;
    while (p < e) {
      std::size_t q = p;
      while (q < e && d_[q] != '-') ++q;
      if (q - p >= 7 && q - p <= 15) {
        if (auto a = parse_ipv4(d_.substr(p, q - p))) address(p, q, *a);
      }
      p = q + 1;
    }
    return e;
  }
  static bool len_ok(std::size_t n) { return n >= 7; }

  // An IPv6 address around the run d[s, e): the longest stretch of hex
  // digits, ':' and '.'; the scan goes on after it.
  std::size_t ipv6(std::size_t s, std::size_t e) {
    if (s < tried_until_) return e;  // in a stretch tried already ("10:11:12.345")
    for (std::size_t k = s; k < e; ++k) {
      if (!is_addr_char(static_cast<unsigned char>(d_[k]))) return e;
    }
    std::size_t as = s, ae = e;
    while (as > 0 && is_addr_char(static_cast<unsigned char>(d_[as - 1]))) --as;
    while (ae < d_.size() && is_addr_char(static_cast<unsigned char>(d_[ae]))) ++ae;
    if (ae == d_.size() && !in_.final) return e;
    tried_until_ = ae;
    if (as > 0 && is_word(static_cast<unsigned char>(d_[as - 1]))) return e;
    if (ae < d_.size() && is_word(static_cast<unsigned char>(d_[ae]))) return e;
    bool found = false;
    address_token(d_, as, ae, [&](std::size_t ts, std::size_t te, const Addr& a) {
      found = true;
      address(ts, te, a);
    });
    return found ? ae : e;  // an address: its groups are no runs of their own
  }

  // local@domain, the run d[s, e) ending at the '@'.
  void email(std::size_t s, std::size_t e) {
    std::size_t ls = s;
    while (ls > 0 && is_local_part(static_cast<unsigned char>(d_[ls - 1]))) --ls;
    std::size_t de = e + 1;
    while (de < d_.size()) {
      const auto c = static_cast<unsigned char>(d_[de]);
      if (kClass.label[c] || (c == '.' && de + 1 < d_.size() &&
                              kClass.label[static_cast<unsigned char>(d_[de + 1])])) {
        ++de;
      } else {
        break;
      }
    }
    if (de == d_.size() && !in_.final) return;
    if (de - ls <= m_.longest) look(ls, de, m_.starts_other);
  }

  // scheme://..., the run d[s, e) being the scheme.
  void url(std::size_t s, std::size_t e) {
    std::size_t ue = e + 3;
    while (ue < d_.size() && is_url_char(static_cast<unsigned char>(d_[ue]))) ++ue;
    if (ue == d_.size() && !in_.final) return;
    for (int k = 0; k < 3 && ue > e + 3; ++k) {
      if (ue - s <= m_.longest) look(s, ue, m_.starts_other);
      if (!is_url_punct(static_cast<unsigned char>(d_[ue - 1]))) return;
      --ue;  // "see http://x/y." : the URL without the sentence's punctuation
    }
  }

  const Matcher::Impl& m_;
  const ScanInput& in_;
  std::string_view d_;
  std::vector<Pending>& out_;
  bool open_ = false;         // a run started at start_ and has not ended yet
  bool open_dotted_ = false;  // ... and holds a dot (in run_chunks())
  std::size_t start_ = 0;
  std::size_t resume_ = 0;  // runs before this were part of an address already read
  std::size_t tried_until_ = 0;
};

}  // namespace

void MatchStream::scan(std::string_view data, std::size_t limit, bool final, const HitFn& on_hit) {
  State& s = *s_;
  const ScanInput in{data, limit, s.min_end, final};
  s.raw.clear();
  s.pending.clear();
  if (m_.db && limit > 0) {
    if (hs_scan(m_.db.get(), data.data(), static_cast<unsigned>(limit), 0, s.scratch.get(),
                on_literal, &s.raw) != HS_SUCCESS) {
      throw Error(ErrorCategory::internal, "matcher_scan",
                  "scanning: expected Hyperscan to scan the block, it failed");
    }
    check_literals(m_, s.raw, in, s.pending);
  }
  if (!m_.keys.empty() || m_.any_address) Tokenizer(m_, in, s.pending).run();
  std::sort(s.pending.begin(), s.pending.end(), [](const Pending& a, const Pending& b) {
    return a.start != b.start ? a.start < b.start : a.indicator < b.indicator;
  });
  std::size_t cur = 0;
  auto advance = [&](std::size_t to) {
    if (to <= cur) return;
    if (std::size_t n = count_newlines(data.data() + cur, to - cur)) {
      s.line += n;
      const auto* nl = static_cast<const char*>(::memrchr(data.data() + cur, '\n', to - cur));
      s.line_start = (nl - data.data()) + 1;
    }
    cur = to;
  };
  for (const auto& p : s.pending) {
    advance(p.start);
    MatchHit hit;
    hit.offset = s.pos + p.start;
    hit.line = s.line;
    hit.column = static_cast<std::uint64_t>(static_cast<std::int64_t>(p.start) - s.line_start) + 1;
    hit.indicator = p.indicator;
    hit.length = p.length;
    const auto line_begin = static_cast<std::size_t>(std::max<std::int64_t>(s.line_start, 0));
    const std::size_t left = std::max(
        line_begin, p.start > Matcher::kContextBytes ? p.start - Matcher::kContextBytes : 0);
    const auto* nl =
        static_cast<const char*>(std::memchr(data.data() + p.start, '\n', data.size() - p.start));
    const std::size_t line_end = nl ? static_cast<std::size_t>(nl - data.data()) : data.size();
    const std::size_t right = std::min(line_end, p.start + p.length + Matcher::kContextBytes);
    hit.context = data.substr(left, right - left);
    on_hit(hit);
  }
  advance(limit);
}

void MatchStream::feed(std::string_view block, const HitFn& on_hit) {
  constexpr std::size_t kPiece = 64 << 20;  // Hyperscan takes at most 4 GiB at once
  bytes_ += block.size();
  while (!block.empty()) {
    const auto piece = block.substr(0, kPiece);
    block.remove_prefix(piece.size());
    feed_piece(piece, on_hit);
  }
}

void MatchStream::feed_piece(std::string_view piece, const HitFn& on_hit) {
  State& s = *s_;
  if (!s.carry.empty()) {
    const auto* nl = static_cast<const char*>(std::memchr(piece.data(), '\n', piece.size()));
    if (!nl) {
      s.carry.append(piece);
      cut_long_line(on_hit);
      return;
    }
    const auto k = static_cast<std::size_t>(nl - piece.data()) + 1;
    s.carry.append(piece.data(), k);
    scan(s.carry, s.carry.size(), false, on_hit);
    s.pos += s.carry.size();
    s.carry.clear();
    s.line_start = 0;
    s.min_end = 0;
    piece.remove_prefix(k);
  }
  if (const auto* nl = static_cast<const char*>(::memrchr(piece.data(), '\n', piece.size()))) {
    const auto k = static_cast<std::size_t>(nl - piece.data()) + 1;
    scan(piece, k, false, on_hit);
    s.pos += k;
    s.line_start = 0;
    s.min_end = 0;
    piece.remove_prefix(k);
  }
  s.carry.append(piece);
  cut_long_line(on_hit);
}

void MatchStream::cut_long_line(const HitFn& on_hit) {
  State& s = *s_;
  const std::size_t keep = m_.longest + 2;
  if (s.carry.size() <= std::max(Matcher::kLongLine, 4 * keep)) return;
  const std::size_t cut = s.carry.size() - keep;
  scan(s.carry, cut, false, on_hit);
  // The next scan starts `keep` bytes before the cut, to see a hit across
  // it whole, and reports only what ends after the cut.
  const std::size_t from = cut - keep;
  s.pos += from;
  s.line_start -= static_cast<std::int64_t>(from);
  s.min_end = keep;
  s.carry.erase(0, from);
}

void MatchStream::finish(const HitFn& on_hit) {
  State& s = *s_;
  if (s.carry.empty()) return;
  scan(s.carry, s.carry.size(), true, on_hit);
  s.pos += s.carry.size();
  s.carry.clear();
  s.line_start = 0;
  s.min_end = 0;
}

}  // namespace hotline::interop
