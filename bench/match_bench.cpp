// `hotline match` speed: interop::Matcher with 100,000 mixed indicators over
// a few hundred MB of generated log lines, on one core.
//
// The input is generated with a fixed seed into the build folder's
// bench-data/ (kept between runs, remade when missing or of another size):
//   match-indicators.txt   one "type value" per line (100,000: IPv4 and IPv6
//                          addresses, 1 % ranges, domains, URLs, e-mail
//                          addresses, MD5/SHA-1/SHA-256, file names)
//   match-values.txt       the values alone, one per line: what scripts/bench
//                          gives `grep -F -f` on the same log
//   match-log.txt          256 MiB of sshd, web server, DNS, firewall,
//                          antivirus, mail and proxy lines; about one line in
//                          500 holds an indicator, more hold near misses
//                          ("notevil.example" beside "evil.example",
//                          "110.0.0.12" beside "10.0.0.1")
//
//   Match/indicators:N   MatchStream over the log in 4 MiB blocks (as
//                        `hotline match` reads a file), from memory;
//                        bytes/s, hits counted
//   MatcherBuild/N       building the Matcher (normalization included)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hotline/interop/matcher.h"

namespace {

namespace fs = std::filesystem;
using hotline::interop::Matcher;
using hotline::interop::MatchHit;
using hotline::interop::MatchIndicator;
using hotline::interop::MatchStream;

constexpr std::size_t kLogBytes = std::size_t{256} << 20;
constexpr std::uint64_t kSeed = 20261207;

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : r_(seed) {}
  std::uint64_t operator()(std::uint64_t n) { return r_() % n; }
  std::string num(std::uint64_t n) { return std::to_string((*this)(n)); }
  std::string ipv4() {
    return std::to_string(1 + (*this)(223)) + "." + num(256) + "." + num(256) + "." + num(256);
  }
  std::string hex(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "0123456789abcdef"[(*this)(16)];
    return s;
  }
  std::string word(std::size_t lo, std::size_t hi) {
    std::string s;
    const auto n = lo + (*this)(hi - lo + 1);
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + (*this)(26));
    return s;
  }
  std::string domain() {
    static const char* tld[] = {"com", "net", "org", "ru", "xyz", "info", "top", "io", "de", "cn"};
    std::string d = (*this)(3) == 0 ? word(2, 6) + "." : "";
    return d + word(4, 12) + "." + tld[(*this)(10)];
  }
  std::string ipv6() { return "2001:db8:" + hex(4) + ":" + hex(3) + "::" + hex(2) + ":" + hex(4); }

 private:
  std::mt19937_64 r_;
};

std::vector<MatchIndicator> make_indicators(std::size_t n) {
  Gen g(kSeed);
  std::vector<MatchIndicator> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = i % 100;
    if (k < 29) {
      v.push_back({"ipv4-addr", g.ipv4()});
    } else if (k < 30) {
      v.push_back({"ipv4-addr", g.num(223) + "." + g.num(256) + "." + g.num(256) + ".0/24"});
    } else if (k < 33) {
      v.push_back({"ipv6-addr", g.ipv6()});
    } else if (k < 58) {
      v.push_back({"domain-name", g.domain()});
    } else if (k < 78) {
      v.push_back({"sha256", g.hex(64)});
    } else if (k < 86) {
      v.push_back({"md5", g.hex(32)});
    } else if (k < 90) {
      v.push_back({"sha1", g.hex(40)});
    } else if (k < 95) {
      v.push_back({"url", "http://" + g.domain() + "/" + g.word(3, 8) + "/" + g.hex(6) + ".php"});
    } else if (k < 98) {
      v.push_back({"email-addr", g.word(3, 8) + "@" + g.domain()});
    } else {
      v.push_back({"file-name", g.word(4, 10) + ".exe"});
    }
  }
  return v;
}

// One log line; `hit` (when not empty) takes the place of the line's
// address, domain, hash, URL, e-mail address or file name.
std::string log_line(Gen& g, const MatchIndicator* hit) {
  auto pick = [&](const char* type, std::string made) {
    return hit && hit->type == type ? hit->value : made;
  };
  const std::string ts =
      "2026-12-07T" + g.num(24) + ":" + g.num(60) + ":" + g.num(60) + "." + g.num(1000) + "Z";
  switch (hit ? 0 : g(8)) {
    default:
      break;
    case 1:
      return ts + " gw" + g.num(9) + " sshd[" + g.num(99999) +
             "]: Failed password for invalid user " + g.word(3, 8) + " from " + g.ipv4() +
             " port " + g.num(65536) + " ssh2\n";
    case 2:
      return g.ipv4() + " - - [07/Dec/2026:10:" + g.num(60) + ":" + g.num(60) + " +0000] \"GET /" +
             g.word(3, 9) + "/" + g.word(3, 9) + ".php?id=" + g.num(10000) + " HTTP/1.1\" " +
             (g(4) ? "200" : "404") + " " + g.num(99999) + " \"https://www." + g.domain() +
             "/\" \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"\n";
    case 3:
      return ts + " dnsmasq[812]: query[A] " + g.domain() + " from 10." + g.num(256) + "." +
             g.num(256) + "." + g.num(256) + "\n";
    case 4:
      return ts + " fw01 kernel: DROP IN=eth0 OUT= SRC=" + g.ipv4() + " DST=" + g.ipv4() +
             " LEN=60 PROTO=TCP SPT=" + g.num(65536) + " DPT=" + g.num(1024) + "\n";
    case 5:
      return ts + " av INFO scan file=C:\\Users\\" + g.word(3, 8) + "\\Downloads\\" +
             g.word(4, 10) + ".exe sha256=" + g.hex(64) + " md5=" + g.hex(32) + " result=clean\n";
    case 6:
      return ts + " mx1 postfix/smtpd[" + g.num(9999) + "]: " + g.hex(10) + ": client=mail." +
             g.domain() + "[" + g.ipv4() + "], sasl_username=" + g.word(3, 8) + "@" + g.domain() +
             "\n";
    case 7:
      return ts + " proxy " + g.num(999) + " 10." + g.num(256) + "." + g.num(256) + "." +
             g.num(256) + " TCP_MISS/200 " + g.num(99999) + " GET http://www." + g.domain() + "/" +
             g.word(3, 8) + "/" + g.hex(6) + ".js - HIER_DIRECT/" + g.ipv4() + " text/javascript\n";
  }
  // A line around an indicator (or a near miss of one).
  const std::string where = " src=" + pick("ipv4-addr", g.ipv4()) +
                            " src6=" + pick("ipv6-addr", g.ipv6()) +
                            " host=" + pick("domain-name", g.domain());
  const std::string what = " url=" + pick("url", "http://" + g.domain() + "/x") +
                           " from=" + pick("email-addr", g.word(4, 6) + "@" + g.domain()) +
                           " file=" + pick("file-name", g.word(5, 9) + ".dll");
  const std::string hash = " hash=" + pick("sha256", pick("md5", pick("sha1", g.hex(64))));
  return ts + " edr ALERT" + where + what + hash + "\n";
}

fs::path data_dir() {
  return fs::path(HOTLINE_BENCH_DATA_DIR);
}

// The indicators of the run, and the log (made once into bench-data/).
const std::string& log_text() {
  static const std::string text = [] {
    const auto dir = data_dir();
    fs::create_directories(dir);
    const auto path = dir / "match-log.txt";
    std::error_code ec;
    if (fs::file_size(path, ec) >= kLogBytes && !ec) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      return s.str();
    }
    const auto ind = make_indicators(100000);
    {
      std::ofstream typed(dir / "match-indicators.txt"), values(dir / "match-values.txt");
      for (const auto& i : ind) {
        typed << i.type << ' ' << i.value << '\n';
        values << i.value << '\n';
      }
    }
    Gen g(kSeed + 1);
    std::string s;
    s.reserve(kLogBytes + 4096);
    while (s.size() < kLogBytes) {
      const bool hit = g(500) == 0;
      if (!hit && g(100) == 0) {
        // a near miss: a longer domain or address around an indicator's
        const auto& i = ind[g(ind.size())];
        s += "near miss: not" + i.value + " " + i.value + "0 1" + i.value + " x" + i.value +
             ".org\n";
        continue;
      }
      s += log_line(g, hit ? &ind[g(ind.size())] : nullptr);
    }
    std::ofstream(path, std::ios::binary) << s;
    return s;
  }();
  return text;
}

void BM_Match(benchmark::State& state) {
  const auto& text = log_text();
  const Matcher m(make_indicators(static_cast<std::size_t>(state.range(0))));
  constexpr std::size_t kBlock = 4 << 20;
  std::uint64_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    const auto count = [&](const MatchHit&) { ++hits; };
    MatchStream s(m);
    for (std::size_t i = 0; i < text.size(); i += kBlock) {
      s.feed(std::string_view(text).substr(i, kBlock), count);
    }
    s.finish(count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["hits"] = static_cast<double>(hits);
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_Match)->ArgName("indicators")->Arg(100)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_MatcherBuild(benchmark::State& state) {
  const auto list = make_indicators(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    Matcher m(list);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MatcherBuild)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
