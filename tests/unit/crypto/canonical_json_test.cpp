#include "hotline/crypto/canonical_json.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "hotline/common/encoding.h"
#include "test_util.h"

namespace hotline::crypto {
namespace canonical_json_test {

using testing::error_code_of;
using testing::read_file;
using testing::vectors_path;

std::string code_of_parse(std::string_view text) {
  return error_code_of([&] { parse_strict(text); });
}

// "7b 22 ..." with spaces and newlines -> bytes.
std::string unhex(const std::string& spaced) {
  std::string hex;
  for (char c : spaced) {
    if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
  }
  auto bytes = from_hex(hex);
  return std::string(bytes.begin(), bytes.end());
}

// ---- RFC 8785 test vectors (cyberphone/json-canonicalization) ----

TEST(CanonicalJsonRfc8785, FloatFreeVectorsCanonicalizeExactly) {
  const std::filesystem::path dir = vectors_path("jcs-rfc8785");
  int checked = 0;
  for (const char* name : {"arrays", "french", "unicode", "weird"}) {
    SCOPED_TRACE(name);
    const std::string input = read_file(dir / "input" / (std::string(name) + ".json"));
    const std::string expected = read_file(dir / "output" / (std::string(name) + ".json"));
    const std::string expected_hex =
        unhex(read_file(dir / "outhex" / (std::string(name) + ".txt")));
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(expected, expected_hex);
    const std::string got = canonicalize(parse_strict(input));
    EXPECT_EQ(got, expected);
    EXPECT_EQ(got, expected_hex);
    EXPECT_TRUE(is_canonical(expected));
    EXPECT_FALSE(is_canonical(input));
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(CanonicalJsonRfc8785, EveryInputFileIsCovered) {
  // Guards the list above and below: a new vector file must be classified.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(vectors_path("jcs-rfc8785/input"))) {
    const std::string stem = entry.path().stem().string();
    EXPECT_TRUE(stem == "arrays" || stem == "french" || stem == "unicode" || stem == "weird" ||
                stem == "values" || stem == "structures")
        << "unclassified vector " << stem;
    ++files;
  }
  EXPECT_EQ(files, 6);
}

TEST(CanonicalJsonRfc8785, VectorsWithFloatsAreRejected) {
  const std::filesystem::path dir = vectors_path("jcs-rfc8785");
  for (const char* name : {"values", "structures"}) {
    SCOPED_TRACE(name);
    const std::string input = read_file(dir / "input" / (std::string(name) + ".json"));
    EXPECT_EQ(code_of_parse(input), "json_float");
    // Their canonical outputs print the floats as integers ("56") or
    // ECMAScript numbers ("4.5"); the float-free subset cannot tell 56 from
    // 56.0, so values.json's output must be refused and structures' output
    // (which has only integers left) parses, but is not what the input said.
    const std::string output = read_file(dir / "output" / (std::string(name) + ".json"));
    EXPECT_EQ(std::string(name) == "values" ? "json_float" : "<no error>", code_of_parse(output));
  }
}

TEST(CanonicalJsonRfc8785, KeysSortByUtf16CodeUnits) {
  // U+1F602 is D83D DE02 in UTF-16, which sorts before U+FB33; in UTF-8
  // (F0.. vs EF..) and by code point it would sort after.
  const auto v = parse_strict(R"({"\ufb33":2,"\ud83d\ude02":1,"\u00f6":0})");
  EXPECT_EQ(canonicalize(v), "{\"\xC3\xB6\":0,\"\xF0\x9F\x98\x82\":1,\"\xEF\xAC\xB3\":2}");
  // Same without any supplementary character: plain code point order.
  EXPECT_EQ(canonicalize(parse_strict(R"({"b":1,"a":2,"A":3,"":4})")),
            R"({"":4,"A":3,"a":2,"b":1})");
  // A prefix sorts first.
  EXPECT_EQ(canonicalize(parse_strict(R"({"\ud83d\ude02x":1,"\ud83d\ude02":2})")),
            "{\"\xF0\x9F\x98\x82\":2,\"\xF0\x9F\x98\x82x\":1}");
}

TEST(CanonicalJsonRfc8785, StringEscapes) {
  EXPECT_EQ(canonicalize(parse_strict(R"("\u0000\u0001\b\t\n\u000b\f\r\u001f")")),
            R"("\u0000\u0001\b\t\n\u000b\f\r\u001f")");
  EXPECT_EQ(canonicalize(parse_strict(R"("\"\\\/\u007f\u2028\u20ac")")),
            "\"\\\"\\\\/\x7F\xE2\x80\xA8\xE2\x82\xAC\"");
  EXPECT_EQ(canonicalize(nlohmann::json("</script>")), "\"</script>\"");
}

// ---- Numbers ----

TEST(CanonicalJson, FloatsAreRejected) {
  for (const char* text : {"1.0", "1e2", "-0.5", "0.0", "1E2", "1e-2", "1e+2", "[1,2.5]",
                           R"({"a":{"b":[3.14]}})", "0e0"}) {
    EXPECT_EQ(code_of_parse(text), "json_float") << text;
  }
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json(1.0)); }), "json_float");
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json{{"a", {1, 0.5}}}); }), "json_float");
}

TEST(CanonicalJson, IntegerRange) {
  EXPECT_EQ(parse_strict("9007199254740991"), nlohmann::json(9007199254740991LL));
  EXPECT_EQ(parse_strict("-9007199254740991"), nlohmann::json(-9007199254740991LL));
  EXPECT_EQ(canonicalize(parse_strict("[9007199254740991,-9007199254740991]")),
            "[9007199254740991,-9007199254740991]");
  for (const char* text : {"9007199254740992", "-9007199254740992", "18446744073709551616",
                           "99999999999999999999999", "[1,10000000000000000]"}) {
    EXPECT_EQ(code_of_parse(text), "json_integer_range") << text;
  }
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json(9007199254740992LL)); }),
            "json_integer_range");
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json(-9007199254740992LL)); }),
            "json_integer_range");
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json(9007199254740992ULL)); }),
            "json_integer_range");
  EXPECT_EQ(canonicalize(nlohmann::json(9007199254740991ULL)), "9007199254740991");
}

TEST(CanonicalJson, IntegerForms) {
  EXPECT_EQ(canonicalize(parse_strict("-0")), "0");
  EXPECT_EQ(canonicalize(parse_strict(" [0, -1, 42] ")), "[0,-1,42]");
  EXPECT_TRUE(parse_strict("5").is_number_unsigned());
  EXPECT_TRUE(parse_strict("-5").is_number_integer());
  for (const char* text :
       {"01", "-", "+1", "1.", ".5", "1e", "1e+", "-01", "0x10", "NaN", "Infinity", "-Infinity"}) {
    EXPECT_EQ(code_of_parse(text), "json_malformed") << text;
  }
}

// ---- UTF-8 ----

TEST(CanonicalJson, InvalidUtf8IsRejected) {
  for (const char* text : {
           "\"\xC3\x28\"",          // bad continuation
           "\"\xC0\xAF\"",          // overlong '/'
           "\"\xE0\x80\xAF\"",      // overlong, 3 bytes
           "\"\xED\xA0\x80\"",      // encoded surrogate D800
           "\"\xF4\x90\x80\x80\"",  // above U+10FFFF
           "\"\xFF\"", "\"\x80\"", "\"\xE2\x82\"",
           R"("\ud800")",  // lone high surrogate
           R"("\udc00")",  // lone low surrogate
           R"("\ud800x")", R"("\ud800\u0041")", R"("\ude02\ud83d")",
           "{\"\xC3\x28\":1}",  // in a key
           "[1]\xFF",           // after the value
           "\xC3\x28",          // where a value should be
       }) {
    EXPECT_EQ(code_of_parse(text), "json_invalid_utf8") << to_hex(as_bytes(text));
  }
  EXPECT_EQ(parse_strict(R"("\ud83d\ude02")"), nlohmann::json("\xF0\x9F\x98\x82"));
  EXPECT_EQ(parse_strict("\"\xF0\x9F\x98\x82\""), nlohmann::json("\xF0\x9F\x98\x82"));
  EXPECT_EQ(error_code_of([] { canonicalize(nlohmann::json("\xC3\x28")); }), "json_invalid_utf8");
  EXPECT_EQ(error_code_of([] {
              canonicalize(nlohmann::json{{"\xED\xA0\x80", 1}});
            }),
            "json_invalid_utf8");
  // Invalid key alongside a supplementary-plane key takes the sorting path.
  EXPECT_EQ(error_code_of([] {
              canonicalize(nlohmann::json{{"\xF0\x9F\x98\x82", 1}, {"\xF0\x9F", 2}});
            }),
            "json_invalid_utf8");
}

// ---- Structure ----

TEST(CanonicalJson, DuplicateKeysAreRejected) {
  EXPECT_EQ(code_of_parse(R"({"a":1,"a":2})"), "json_duplicate_key");
  EXPECT_EQ(code_of_parse(R"({"a":1,"\u0061":2})"), "json_duplicate_key");
  EXPECT_EQ(code_of_parse(R"({"\u00e9":1,"é":2})"), "json_duplicate_key");
  EXPECT_EQ(code_of_parse(R"({"x":{"a":1,"b":2,"a":3}})"), "json_duplicate_key");
  EXPECT_EQ(code_of_parse(R"([{"a":1},{"a":1}])"), "<no error>");
}

TEST(CanonicalJson, MalformedText) {
  for (const char* text : {"",
                           " ",
                           "{",
                           "}",
                           "[1,]",
                           "[1 2]",
                           R"({"a" 1})",
                           R"({"a":1,})",
                           R"({a:1})",
                           "tru",
                           "nul",
                           "truex",
                           "[1]x",
                           "{} {}",
                           "\"abc",
                           "\"a\tb\"",
                           R"("\x")",
                           R"("\u12")",
                           R"("\u12g4")",
                           "'a'",
                           "\xEF\xBB\xBF{}",
                           "[1]\v",
                           R"({"a":})",
                           "[",
                           "//c\n1"}) {
    EXPECT_EQ(code_of_parse(text), "json_malformed") << text;
  }
  EXPECT_EQ(code_of_parse(std::string_view("[1]\0", 4)), "json_malformed");
}

TEST(CanonicalJson, ErrorMessagesNameTheOffset) {
  try {
    parse_strict(R"({"amount": 1.5})");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "json_float");
    EXPECT_NE(std::string(e.what()).find("byte 11"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1.5"), std::string::npos) << e.what();
  }
}

TEST(CanonicalJson, NestingLimit) {
  auto nested = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_EQ(code_of_parse(nested(kMaxDepth)), "<no error>");
  EXPECT_EQ(code_of_parse(nested(kMaxDepth + 1)), "json_too_deep");
  EXPECT_EQ(code_of_parse(nested(100000)), "json_too_deep");  // no stack overflow
  std::string objects;
  for (int i = 0; i < kMaxDepth + 1; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kMaxDepth + 1, '}');
  EXPECT_EQ(code_of_parse(objects), "json_too_deep");

  nlohmann::json deep = 1;
  for (int i = 0; i < kMaxDepth; ++i) deep = nlohmann::json::array({deep});
  EXPECT_EQ(canonicalize(deep), std::string(kMaxDepth, '[') + "1" + std::string(kMaxDepth, ']'));
  deep = nlohmann::json::array({deep});
  EXPECT_EQ(error_code_of([&] { canonicalize(deep); }), "json_too_deep");
}

TEST(CanonicalJson, WhitespaceAndLiterals) {
  const auto v = parse_strict(" \t\r\n{ \"b\" : [ true , false , null ] , \"a\" : \"\" } \n");
  EXPECT_EQ(canonicalize(v), R"({"a":"","b":[true,false,null]})");
  EXPECT_EQ(canonicalize(parse_strict("{}")), "{}");
  EXPECT_EQ(canonicalize(parse_strict("[]")), "[]");
  EXPECT_EQ(canonicalize(parse_strict("\"\"")), "\"\"");
}

TEST(CanonicalJson, IsCanonical) {
  EXPECT_TRUE(is_canonical(R"({"a":1,"b":[true,null,"x"]})"));
  EXPECT_TRUE(is_canonical("0"));
  EXPECT_TRUE(is_canonical(R"("\u001f")"));
  EXPECT_FALSE(is_canonical(R"({"b":1,"a":2})"));  // order
  EXPECT_FALSE(is_canonical(R"({"a": 1})"));       // whitespace
  EXPECT_FALSE(is_canonical(R"({"a":1})"
                            "\n"));           // trailing newline
  EXPECT_FALSE(is_canonical(R"("\u0061")"));  // needless escape
  EXPECT_FALSE(is_canonical(R"("\u001F")"));  // uppercase hex
  EXPECT_FALSE(is_canonical(R"("\/")"));      // escaped slash
  EXPECT_FALSE(is_canonical("-0"));
  EXPECT_FALSE(is_canonical("1.0"));               // float
  EXPECT_FALSE(is_canonical(R"({"a":1,"a":1})"));  // duplicate
  EXPECT_FALSE(is_canonical("\"\xC3\x28\""));      // invalid UTF-8
  EXPECT_FALSE(is_canonical(""));
}

TEST(CanonicalJson, RoundTripsThroughNlohmann) {
  // Output of canonicalize parses with nlohmann to the same value.
  const auto v = parse_strict(
      R"({"z":[1,-2,{"q":"\u00e9\ud83d\ude02\n"}],"a":{"":null,"k":false},"m":9007199254740991})");
  const std::string c = canonicalize(v);
  EXPECT_EQ(nlohmann::json::parse(c), v);
  EXPECT_EQ(parse_strict(c), v);
  EXPECT_TRUE(is_canonical(c));
}

}  // namespace canonical_json_test
}  // namespace hotline::crypto
