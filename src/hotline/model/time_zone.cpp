#include "hotline/model/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

#include "hotline/common/error.h"

namespace hotline::model {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int64_t kDay = 86400;

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "time_zone_invalid", what);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t to_seconds(TimePoint t) {
  return floor_div(t.time_since_epoch().count(), 1000);
}

TimePoint from_seconds(std::int64_t s) {
  return TimePoint(std::chrono::milliseconds(s * 1000));
}

// ---- POSIX TZ strings ------------------------------------------------------

class PosixParser {
 public:
  explicit PosixParser(std::string_view text) : s_(text) {}

  TimeZone::PosixRule parse() {
    TimeZone::PosixRule rule;
    rule.standard.abbreviation = name();
    rule.standard.offset_seconds = -hms(24, "offset");
    rule.standard.is_dst = false;
    if (done()) return rule;
    LocalTimeType dst;
    dst.abbreviation = name();
    dst.is_dst = true;
    dst.offset_seconds = rule.standard.offset_seconds + 3600;
    if (!done() && peek() != ',') dst.offset_seconds = -hms(24, "offset");
    rule.dst = dst;
    if (done()) {  // no rule: the US rule, as glibc
      rule.start = {TimeZone::RuleDate::month_week_day, 0, 3, 2, 7200};
      rule.end = {TimeZone::RuleDate::month_week_day, 0, 11, 1, 7200};
      return rule;
    }
    expect(',');
    rule.start = date();
    expect(',');
    rule.end = date();
    if (!done()) fail("trailing characters");
    return rule;
  }

 private:
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  [[noreturn]] void fail(const std::string& what) const {
    invalid("TZ rule \"" + std::string(s_) + "\": " + what);
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

  std::string name() {
    std::string out;
    if (peek() == '<') {
      ++i_;
      while (!done() && s_[i_] != '>') {
        char c = s_[i_];
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-') fail("bad quoted name");
        out += c;
        ++i_;
      }
      expect('>');
    } else {
      while (!done() && is_alpha(s_[i_])) out += s_[i_++];
    }
    if (out.size() < 3) fail("time zone name too short");
    return out;
  }

  int number(int max_value) {
    if (!is_digit(peek())) fail("expected a number");
    int v = 0;
    while (is_digit(peek())) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > max_value) fail("number out of range");
    }
    return v;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::int32_t hms(int max_hours, const char* what) {
    int sign = 1;
    if (peek() == '+' || peek() == '-') sign = s_[i_++] == '-' ? -1 : 1;
    if (!is_digit(peek())) fail(std::string("expected ") + what);
    std::int32_t v = number(max_hours) * 3600;
    if (peek() == ':') {
      ++i_;
      v += number(59) * 60;
      if (peek() == ':') {
        ++i_;
        v += number(59);
      }
    }
    return sign * v;
  }

  TimeZone::RuleDate date() {
    TimeZone::RuleDate d;
    if (peek() == 'J') {
      ++i_;
      d.kind = TimeZone::RuleDate::julian_no_leap;
      d.day = number(365);
      if (d.day < 1) fail("Jn needs 1..365");
    } else if (peek() == 'M') {
      ++i_;
      d.kind = TimeZone::RuleDate::month_week_day;
      d.month = number(12);
      expect('.');
      d.week = number(5);
      expect('.');
      d.day = number(6);
      if (d.month < 1 || d.week < 1) fail("Mm.w.d out of range");
    } else {
      d.kind = TimeZone::RuleDate::zero_based;
      d.day = number(365);
    }
    d.time = 7200;
    if (peek() == '/') {
      ++i_;
      d.time = hms(167, "time");
    }
    return d;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Local midnight of the rule's date in `year`, as days since 1970 (local).
sys_days rule_day(const TimeZone::RuleDate& d, int year) {
  using namespace std::chrono;
  const std::chrono::year y{year};
  switch (d.kind) {
    case TimeZone::RuleDate::julian_no_leap: {
      int n = d.day - 1;
      if (y.is_leap() && d.day >= 60) ++n;
      return sys_days(y / January / 1) + days(n);
    }
    case TimeZone::RuleDate::zero_based:
      return sys_days(y / January / 1) + days(d.day);
    case TimeZone::RuleDate::month_week_day:
    default: {
      const month m{static_cast<unsigned>(d.month)};
      const weekday wd{static_cast<unsigned>(d.day)};
      if (d.week == 5) return sys_days(y / m / wd[last]);
      return sys_days(y / m / wd[static_cast<unsigned>(d.week)]);
    }
  }
}

int year_of(std::int64_t utc_seconds) {
  const sys_days d{days(floor_div(utc_seconds, kDay))};
  return static_cast<int>(std::chrono::year_month_day(d).year());
}

struct RuleChange {
  std::int64_t at;
  bool to_dst;
};

// The DST starts and ends of years first..last, ascending; at equal instants
// the later-generated change wins (it comes later in the list).
std::vector<RuleChange> rule_changes(const TimeZone::PosixRule& r, int first, int last) {
  std::vector<RuleChange> out;
  if (!r.dst) return out;
  for (int y = first; y <= last; ++y) {
    const std::int64_t start = rule_day(r.start, y).time_since_epoch().count() * kDay +
                               r.start.time - r.standard.offset_seconds;
    const std::int64_t end =
        rule_day(r.end, y).time_since_epoch().count() * kDay + r.end.time - r.dst->offset_seconds;
    out.push_back({start, true});
    out.push_back({end, false});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RuleChange& a, const RuleChange& b) { return a.at < b.at; });
  return out;
}

LocalTimeType rule_type_at(const TimeZone::PosixRule& r, std::int64_t t) {
  if (!r.dst) return r.standard;
  const int y = year_of(t);
  const auto changes = rule_changes(r, y - 2, y + 1);
  bool dst = false;
  for (const auto& c : changes) {
    if (c.at > t) break;
    dst = c.to_dst;
  }
  return dst ? *r.dst : r.standard;
}

// ---- TZif ------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  std::string_view take(std::uint64_t n) {
    if (n > b_.size() - pos_) invalid("TZif data truncated");
    auto out = b_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint32_t u32() {
    auto s = take(4);
    std::uint32_t v = 0;
    for (char c : s) v = (v << 8) | static_cast<std::uint8_t>(c);
    return v;
  }
  std::int64_t i64() {
    auto s = take(8);
    std::uint64_t v = 0;
    for (char c : s) v = (v << 8) | static_cast<std::uint8_t>(c);
    return static_cast<std::int64_t>(v);
  }
  std::size_t pos() const { return pos_; }
  std::size_t left() const { return b_.size() - pos_; }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct Header {
  char version;
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

Header read_header(Reader& r) {
  if (r.take(4) != "TZif") invalid("not a TZif file (bad magic)");
  Header h{};
  h.version = static_cast<char>(r.u8());
  r.take(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  return h;
}

}  // namespace

// ---- TimeZone --------------------------------------------------------------

TimeZone::TimeZone() : name_("UTC"), initial_{0, false, "UTC"} {}

TimeZone TimeZone::utc() {
  return TimeZone();
}

TimeZone TimeZone::from_posix(std::string name, std::string_view rule) {
  TimeZone z;
  z.name_ = std::move(name);
  z.footer_text_ = std::string(rule);
  z.footer_ = PosixParser(rule).parse();
  z.initial_ = z.footer_->standard;
  return z;
}

TimeZone TimeZone::parse_tzif(std::string_view bytes, std::string name) {
  Reader r(bytes);
  const Header h1 = read_header(r);
  if (h1.version < '2') invalid("TZif version 1 files are not supported (need version 2+)");
  // Skip the 32-bit block.
  const std::uint64_t v1_size = std::uint64_t{h1.timecnt} * 5 + std::uint64_t{h1.typecnt} * 6 +
                                h1.charcnt + std::uint64_t{h1.leapcnt} * 8 + h1.isstdcnt +
                                h1.isutcnt;
  r.take(v1_size);
  const Header h = read_header(r);
  if (h.version < '2') invalid("TZif second header has version < 2");
  if (h.typecnt == 0 || h.charcnt == 0) invalid("TZif: typecnt and charcnt must be positive");
  if ((h.isstdcnt != 0 && h.isstdcnt != h.typecnt) || (h.isutcnt != 0 && h.isutcnt != h.typecnt))
    invalid("TZif: isstdcnt/isutcnt must be 0 or typecnt");
  if (h.leapcnt != 0) invalid("TZif: leap-second zones (\"right/...\") are not supported");
  const std::uint64_t v2_size = std::uint64_t{h.timecnt} * 9 + std::uint64_t{h.typecnt} * 6 +
                                h.charcnt + h.isstdcnt + h.isutcnt;
  if (v2_size > r.left()) invalid("TZif data truncated");

  std::vector<std::int64_t> times(h.timecnt);
  for (auto& t : times) t = r.i64();
  for (std::size_t i = 1; i < times.size(); ++i)
    if (times[i] <= times[i - 1]) invalid("TZif: transition times not ascending");
  std::vector<std::uint8_t> idx(h.timecnt);
  for (auto& i : idx) {
    i = r.u8();
    if (i >= h.typecnt) invalid("TZif: transition type index out of range");
  }
  struct RawType {
    std::int32_t off;
    std::uint8_t dst, abbr;
  };
  std::vector<RawType> raw(h.typecnt);
  for (auto& t : raw) {
    t.off = static_cast<std::int32_t>(r.u32());
    t.dst = r.u8();
    t.abbr = r.u8();
    if (t.off == std::numeric_limits<std::int32_t>::min() || t.off < -89999 || t.off > 93599)
      invalid("TZif: UT offset out of range");
    if (t.dst > 1) invalid("TZif: isdst must be 0 or 1");
    if (t.abbr >= h.charcnt) invalid("TZif: abbreviation index out of range");
  }
  const std::string_view chars = r.take(h.charcnt);
  if (chars.back() != '\0') invalid("TZif: abbreviations not NUL-terminated");
  r.take(std::uint64_t{h.isstdcnt} + h.isutcnt);

  std::vector<LocalTimeType> types;
  for (const auto& t : raw) {
    const auto rest = chars.substr(t.abbr);
    types.push_back({t.off, t.dst == 1, std::string(rest.substr(0, rest.find('\0')))});
  }

  TimeZone z;
  z.name_ = std::move(name);
  z.initial_ = types[0];
  for (std::size_t i = 0; i < times.size(); ++i)
    z.transitions_.push_back({times[i], types[idx[i]]});

  // Footer: "\n" TZ "\n".
  if (r.left() == 0) invalid("TZif: footer missing");
  if (r.u8() != '\n') invalid("TZif: footer must start with a newline");
  std::string footer;
  for (;;) {
    if (r.left() == 0) invalid("TZif: footer not terminated");
    const char c = static_cast<char>(r.u8());
    if (c == '\n') break;
    footer += c;
  }
  if (!footer.empty()) {
    z.footer_text_ = footer;
    z.footer_ = PosixParser(footer).parse();
  }
  return z;
}

LocalTimeType TimeZone::type_at_seconds(std::int64_t t) const {
  if (transitions_.empty()) return footer_ ? rule_type_at(*footer_, t) : initial_;
  if (t < transitions_.front().at) return initial_;
  if (t > transitions_.back().at && footer_) return rule_type_at(*footer_, t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                             [](std::int64_t v, const Transition& tr) { return v < tr.at; });
  return std::prev(it)->type;
}

LocalTimeType TimeZone::type_at(TimePoint utc) const {
  return type_at_seconds(to_seconds(utc));
}

std::chrono::seconds TimeZone::offset_at(TimePoint utc) const {
  return std::chrono::seconds(type_at(utc).offset_seconds);
}

std::chrono::local_time<std::chrono::milliseconds> TimeZone::to_local(TimePoint utc) const {
  return std::chrono::local_time<std::chrono::milliseconds>(utc.time_since_epoch() +
                                                            offset_at(utc));
}

std::vector<Transition> TimeZone::transitions_between_seconds(std::int64_t from,
                                                              std::int64_t to) const {
  std::vector<std::int64_t> candidates;
  auto it = std::lower_bound(transitions_.begin(), transitions_.end(), from,
                             [](const Transition& tr, std::int64_t v) { return tr.at < v; });
  for (; it != transitions_.end() && it->at < to; ++it) candidates.push_back(it->at);
  if (footer_ && footer_->dst) {
    const std::int64_t lo = transitions_.empty() ? from : std::max(from, transitions_.back().at);
    if (lo < to) {
      for (const auto& c : rule_changes(*footer_, year_of(lo) - 1, year_of(to - 1) + 1))
        if (c.at >= lo && c.at < to) candidates.push_back(c.at);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<Transition> out;
  LocalTimeType prev = type_at_seconds(from - 1);
  for (std::int64_t at : candidates) {
    LocalTimeType t = type_at_seconds(at);
    if (t == prev) continue;
    out.push_back({at, t});
    prev = std::move(t);
  }
  return out;
}

std::vector<Transition> TimeZone::transitions_between(TimePoint from, TimePoint to) const {
  // Whole seconds: a transition at second s lies in [from, to) iff its
  // instant s*1000 ms does.
  const std::int64_t f = floor_div(from.time_since_epoch().count() + 999, 1000);
  const std::int64_t t = floor_div(to.time_since_epoch().count() + 999, 1000);
  return transitions_between_seconds(f, t);
}

TimePoint TimeZone::local_to_utc(std::chrono::local_days date, int minute_of_day) const {
  const std::int64_t local =
      std::int64_t{date.time_since_epoch().count()} * kDay + std::int64_t{minute_of_day} * 60;
  // Offsets are within +-26 h, so every candidate instant is within 2 days.
  const std::int64_t lo = local - 2 * kDay;
  const std::int64_t hi = local + 2 * kDay;
  const auto changes = transitions_between_seconds(lo, hi);
  // Segments [begin, end) each with one offset.
  std::int64_t begin = std::numeric_limits<std::int64_t>::min();
  std::int32_t off = type_at_seconds(lo - 1).offset_seconds;
  for (std::size_t i = 0; i <= changes.size(); ++i) {
    const std::int64_t end =
        i < changes.size() ? changes[i].at : std::numeric_limits<std::int64_t>::max();
    const std::int64_t u = local - off;
    if (u >= begin && u < end) return from_seconds(u);  // earliest match first
    if (i < changes.size()) {
      begin = end;
      off = changes[i].type.offset_seconds;
    }
  }
  // A gap: the local time is skipped by a forward change at some instant T
  // with T + before <= local < T + after; map to T.
  std::int32_t before = type_at_seconds(lo - 1).offset_seconds;
  for (const auto& c : changes) {
    if (c.at + before <= local && local < c.at + c.type.offset_seconds) return from_seconds(c.at);
    before = c.type.offset_seconds;
  }
  return from_seconds(local - type_at_seconds(local).offset_seconds);  // not reached
}

// ---- Loading ---------------------------------------------------------------

TimeZone load_time_zone(const std::string& iana_name, const std::filesystem::path& zoneinfo_dir) {
  const auto unknown = [&](const std::string& why) -> Error {
    return Error(ErrorCategory::not_found, "time_zone_unknown",
                 "unknown time zone \"" + iana_name + "\": " + why);
  };
  if (iana_name.empty() || iana_name.size() > 255) throw unknown("bad name");
  if (iana_name.front() == '/' || iana_name.back() == '/') throw unknown("bad name");
  if (iana_name.find("..") != std::string::npos || iana_name.find("//") != std::string::npos)
    throw unknown("bad name");
  for (char c : iana_name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+' || c == '.';
    if (!ok) throw unknown("bad name");
  }
  if (iana_name.front() == '.' || iana_name.find("/.") != std::string::npos)
    throw unknown("bad name");
  const auto path = zoneinfo_dir / iana_name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw unknown("no zone file " + path.string());
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > (1u << 20)) throw unknown("unreadable zone file " + path.string());
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw unknown("unreadable zone file " + path.string());
  if (bytes.compare(0, 4, "TZif") != 0) throw unknown("not a TZif file " + path.string());
  return TimeZone::parse_tzif(bytes, iana_name);
}

namespace {

// "2025b": digits, lower-case letters, '.', '-'; at most 16 characters.
bool plausible_version(const std::string& v) {
  if (v.empty() || v.size() > 16) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-';
  });
}

std::string first_line(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (in) std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string tzdb_version(const std::filesystem::path& zoneinfo_dir) {
  const std::string prefix = "# version ";
  std::string line = first_line(zoneinfo_dir / "tzdata.zi");
  std::string version = line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : "";
  if (!plausible_version(version)) version = first_line(zoneinfo_dir / "+VERSION");
  return plausible_version(version) ? version : "";
}

}  // namespace hotline::model
