// Finding many indicators at once in text (logs): `hotline match`.
//
// A Matcher is built once from a list of indicators (type token and value,
// model/indicator.h) and then scans bytes for all of them in one pass, not
// in a loop over the indicators (docs/interop.md, "Finding indicators in
// logs"):
//
// - The text is cut into runs (label bytes joined by single dots; 64 bytes
//   at a time with AVX2 bit masks where the CPU has it, which also pick the
//   runs that can hit: long enough for the shortest value, or beside a ':'
//   or '@'), and each such run, each domain's parents (found with a mask of
//   the dots), an e-mail address around an '@' and a URL after "://" are
//   looked up by a hash that ignores ASCII case, behind a table of first
//   byte and length (keys with a dot apart from those without) and a Bloom
//   filter, in a table of the indicators' values; then compared byte for
//   byte. Domains, hashes, e-mail addresses, file names and AS numbers
//   match without regard to case; a URL's scheme and host too, the rest of
//   it exactly.
// - Address tokens (dotted quads, IPv6 in any RFC 4291 form) are parsed and
//   looked up as 16 bytes: single addresses by hash, ranges ("192.0.2.0/24",
//   "2001:db8::/32", model::address_span) in a sorted table, nested ranges
//   all reported.
// - Values that are no such token (a file name with a space) are literals
//   of a Hyperscan database (literal mode, hs_compile_lit_multi).
// - A hit is a whole token, checked at its edges: "10.0.0.1" does not hit
//   inside "110.0.0.12" or "10.0.0.1.5"; the domain "evil.example" hits
//   "a.evil.example", "evil.example/path" and "bob@evil.example", not
//   "notevil.example" nor "evil.example.org"; a hash does not hit inside a
//   longer run of hex digits (left_ok/right_ok in matcher.cpp).
//
// MatchStream feeds a stream (a file, stdin) through the matcher in blocks
// of any size: the partial last line of a block is carried into the next,
// so a hit across a block boundary is found once, and lines are counted as
// the blocks go by (no rescan). A line longer than kLongLine is scanned in
// pieces that overlap by the longest token, so it neither grows without
// bound nor loses a hit.
//
// Ownership and threads: a Matcher is immutable once built and may be shared
// by threads; a MatchStream (which owns its Hyperscan scratch space and the
// carried bytes) belongs to one thread. The hit's views point into the
// stream's buffer and are valid during the callback only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::interop {

struct MatchIndicator {
  std::string type;   // a model::kIndicatorTypes token
  std::string value;  // as normalize_indicator() writes it (normalized again on build)
};

struct MatchHit {
  std::uint64_t offset = 0;   // from the start of the stream, of the hit's first byte
  std::uint64_t line = 1;     // 1-based
  std::uint64_t column = 1;   // 1-based, in bytes
  std::size_t indicator = 0;  // index into Matcher::indicators()
  std::size_t length = 0;     // bytes of the text that hit
  // The hit's line, cut to about kContextBytes on each side of the hit (the
  // line's bytes as they are: escape them before printing).
  std::string_view context;
};

using HitFn = std::function<void(const MatchHit&)>;

class Matcher {
 public:
  // Lines longer than this are scanned in overlapping pieces.
  static constexpr std::size_t kLongLine = 1 << 20;
  static constexpr std::size_t kContextBytes = 80;

  // Normalizes each value (model::normalize_indicator). Error
  // indicator_invalid (from the model) for a bad one, naming it; an empty
  // list is allowed (nothing ever hits). Duplicates after normalization are
  // kept as given (each hit is reported once per index).
  explicit Matcher(std::vector<MatchIndicator> indicators);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Normalized, in the order given.
  const std::vector<MatchIndicator>& indicators() const;
  // Whether the address-token scanner runs (the list has ranges).
  bool has_ranges() const;

  // Scans `text` as one whole stream (MatchStream underneath); hits in order
  // of their offset.
  void scan(std::string_view text, const HitFn& on_hit) const;

  struct Impl;

 private:
  friend class MatchStream;
  std::unique_ptr<Impl> impl_;
};

class MatchStream {
 public:
  explicit MatchStream(const Matcher& matcher);
  ~MatchStream();
  MatchStream(const MatchStream&) = delete;
  MatchStream& operator=(const MatchStream&) = delete;

  // The next bytes of the stream. Hits that end before the last line break
  // seen so far are reported now, in order of offset; the rest when more
  // bytes or finish() come.
  void feed(std::string_view block, const HitFn& on_hit);
  // The end of the stream: the last (unterminated) line is scanned.
  void finish(const HitFn& on_hit);

  std::uint64_t bytes() const { return bytes_; }

 private:
  struct State;
  void feed_piece(std::string_view piece, const HitFn& on_hit);
  void cut_long_line(const HitFn& on_hit);
  // Reports the hits of data[0, limit) (data[0] at the state's position)
  // and moves the line count to `limit`.
  void scan(std::string_view data, std::size_t limit, bool final, const HitFn& on_hit);

  const Matcher::Impl& m_;
  std::unique_ptr<State> s_;
  std::uint64_t bytes_ = 0;
};

}  // namespace hotline::interop
