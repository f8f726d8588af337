#include "hotline/common/metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace hotline::metrics {
namespace {

// Length of the valid UTF-8 sequence at s[i], 0 when there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  std::uint32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()))
    throw std::invalid_argument("histogram bounds must ascend");
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.sum = sum_.load(std::memory_order_relaxed);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  return s;
}

const std::vector<double>& request_seconds_buckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                        0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

const std::vector<double>& transaction_seconds_buckets() {
  static const std::vector<double> b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                        0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};
  return b;
}

const std::vector<double>& delivery_seconds_buckets() {
  static const std::vector<double> b = {0.01, 0.05, 0.1, 0.25, 0.5, 1,    2.5,   5,
                                        10,   30,   60,  300,  900, 3600, 14400, 86400};
  return b;
}

Registry& Registry::global() {
  static Registry* r = new Registry();  // never destroyed: metrics outlive every thread
  return *r;
}

Registry::Family& Registry::family(const std::string& name, const std::string& help,
                                   const char* type) {
  auto [it, added] = families_.try_emplace(name);
  if (added) {
    it->second.help = help;
    it->second.type = type;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " is a " + it->second.type + ", not a " + type);
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, help, "gauge").gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::write(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    write_header(out, name, f.help, f.type);
    for (const auto& [labels, c] : f.counters)
      write_sample(out, name, labels, static_cast<double>(c->value()));
    for (const auto& [labels, g] : f.gauges)
      write_sample(out, name, labels, static_cast<double>(g->value()));
    for (const auto& [labels, h] : f.histograms)
      write_histogram(out, name, labels, h->bounds(), h->snapshot());
  }
}

void write_header(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void write_sample(std::string& out, std::string_view name, const Labels& labels, double value) {
  out.append(name);
  if (!labels.empty()) {
    out.push_back('{');
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append(labels[i].first).append("=\"");
      out.append(escape_label_value(labels[i].second)).append("\"");
    }
    out.push_back('}');
  }
  out.push_back(' ');
  out.append(format_value(value)).push_back('\n');
}

void write_histogram(std::string& out, std::string_view name, const Labels& labels,
                     const std::vector<double>& bounds, const Histogram::Snapshot& s) {
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    Labels with_le = labels;
    with_le.emplace_back("le", i < bounds.size() ? format_value(bounds[i]) : "+Inf");
    write_sample(out, bucket, with_le, static_cast<double>(s.cumulative[i]));
  }
  write_sample(out, std::string(name) + "_sum", labels, s.sum);
  write_sample(out, std::string(name) + "_count", labels,
               static_cast<double>(s.cumulative.empty() ? 0 : s.cumulative.back()));
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (std::size_t n = utf8_length(value, i); n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(value.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // The shortest digits that read back the same, in plain notation where
  // that stays short (0.0001 and 1796699253.08 rather than 1e-04 and
  // 1.79669925308e+09), else with an exponent.
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
  auto r = std::to_chars(buf, buf + sizeof buf, value,
                         plain ? std::chars_format::fixed : std::chars_format::general);
  return std::string(buf, r.ptr);
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Timer::Timer(Histogram& h) : histogram_(h), start_ns_(steady_ns()) {}

Timer::~Timer() {
  histogram_.observe(static_cast<double>(steady_ns() - start_ns_) / 1e9);
}

}  // namespace hotline::metrics
