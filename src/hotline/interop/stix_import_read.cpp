// import_stix (stix_import.h): the stream and the SAX events (stix_import.h); each object of
// the bundle goes to a stix_import_impl::Mapper.
#include "hotline/interop/stix_import.h"

#include <array>
#include <streambuf>
#include <string>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/stix_import_impl.h"

namespace hotline::interop {
namespace {

using nlohmann::json;
using stix_import_impl::is_stix_id;
using stix_import_impl::Mapper;

[[noreturn]] void too_large(const std::string& what) {
  throw Error(ErrorCategory::too_large, "stix_too_large",
              "STIX bundle refused, nothing imported: " + what);
}

[[noreturn]] void bundle_error(std::string_view field, const std::string& expected,
                               const std::string& found) {
  throw Error(ErrorCategory::invalid_input, "stix_invalid",
              "STIX bundle refused, nothing imported: the bundle: \"" + std::string(field) +
                  "\": expected " + expected + ", found " + found);
}

// Reads `in` in blocks, counting bytes and the length of the JSON string
// being read, so that a huge input or string is refused as it arrives and
// never held whole.
class LimitedBuf : public std::streambuf {
 public:
  LimitedBuf(std::istream& in, std::size_t max_input, std::size_t max_string)
      : in_(in), max_input_(max_input), max_string_(max_string) {}
  std::size_t bytes() const { return total_ - static_cast<std::size_t>(egptr() - gptr()); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    const auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0) return traits_type::eof();
    total_ += n;
    if (total_ > max_input_) {
      too_large("the input is over " + std::to_string(max_input_) + " bytes");
    }
    scan(n);
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  void scan(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buf_[i];
      if (!in_string_) {
        if (c == '"') {
          in_string_ = true;
          run_ = 0;
        }
        continue;
      }
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        continue;
      }
      if (++run_ > max_string_) {
        too_large("a JSON string near byte " + std::to_string(total_ - n + i) + " is over " +
                  std::to_string(max_string_) + " bytes");
      }
    }
  }

  std::istream& in_;
  std::size_t max_input_, max_string_;
  std::array<char, 1 << 16> buf_{};
  std::size_t total_ = 0;
  bool in_string_ = false, escaped_ = false;
  std::size_t run_ = 0;
};

// Builds one object of "objects" from the events (iteratively: a stack of
// the containers being filled).
class Builder {
 public:
  void start(json container) {
    json* slot = place(std::move(container));
    stack_.push_back(slot);
  }
  void end() { stack_.pop_back(); }
  void value(json v) { place(std::move(v)); }
  bool key(const std::string& k) {
    if (stack_.back()->contains(k)) return false;
    key_ = k;
    return true;
  }
  bool done() const { return stack_.empty(); }
  json take() { return std::move(root_); }

 private:
  json* place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_object()) {
      json& slot = top[key_];
      slot = std::move(v);
      return &slot;
    }
    top.push_back(std::move(v));
    return &top.back();
  }
  json root_;
  std::vector<json*> stack_;
  std::string key_;
};

class Sax {
 public:
  Sax(const StixImportOptions& o, const LimitedBuf& buf) : options_(o), buf_(buf), mapper_(o) {}

  bool null() { return scalar(nullptr); }
  bool boolean(bool v) { return scalar(v); }
  bool number_integer(json::number_integer_t v) { return scalar(v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(v); }
  bool number_float(json::number_float_t v, const std::string&) { return scalar(v); }
  bool string(std::string& v) { return scalar(std::move(v)); }
  bool binary(json::binary_t&) { return false; }

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(std::string& k) {
    if (building_) {
      if (!builder_.key(k)) {
        stix_import_impl::refuse(index_, "", escape_text(k, 60), "each key once in an object",
                                 "it twice");
      }
      return true;
    }
    if (depth_ == 1) {
      if (!top_keys_.insert(k).second) {
        bundle_error(escape_text(k, 60), "each key once", "it twice");
      }
      key_ = k;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    std::string what = e.what();
    const std::size_t colon = what.find("syntax error");
    if (colon != std::string::npos) what = what.substr(colon);
    throw Error(ErrorCategory::invalid_input, "stix_invalid",
                "STIX bundle refused, nothing imported: not valid JSON near byte " +
                    std::to_string(position) + " (object " + std::to_string(index_) +
                    "): " + escape_text(what, 300));
  }

  StixImport finish() {
    if (bundle_type_ != "bundle")
      bundle_error("type", "\"bundle\"", shown_or_nothing(bundle_type_));
    if (!is_stix_id(bundle_id_, "bundle")) {
      bundle_error("id", "\"bundle--<uuid>\"", shown_or_nothing(bundle_id_));
    }
    if (!saw_objects_) bundle_error("objects", "a list of STIX objects", "nothing");
    return mapper_.finish(bundle_id_);
  }

 private:
  static std::string shown_or_nothing(const std::string& s) {
    return s.empty() ? "nothing" : "\"" + escape_text(s, 80) + "\"";
  }

  bool open(json container) {
    if (++depth_ > options_.max_depth) {
      stix_import_impl::refuse(
          index_, "", "(nesting)",
          "at most " + std::to_string(options_.max_depth) + " nested objects and lists", "more");
    }
    if (building_) {
      builder_.start(std::move(container));
      return true;
    }
    if (depth_ == 1) {
      if (!container.is_object()) bundle_error("(the bundle)", "a JSON object", "a list");
      return true;
    }
    if (depth_ == 2 && key_ == "objects") {
      if (!container.is_array()) bundle_error("objects", "a list of STIX objects", "an object");
      in_objects_ = saw_objects_ = true;
      return true;
    }
    if (depth_ == 3 && in_objects_) {
      building_ = true;
      builder_.start(std::move(container));
    }
    return true;  // other members of the bundle: skipped
  }

  bool close() {
    if (building_) {
      builder_.end();
      if (builder_.done()) deliver();
    } else if (depth_ == 2 && in_objects_) {
      in_objects_ = false;
    }
    --depth_;
    return true;
  }

  bool scalar(json v) {
    if (building_) {
      builder_.value(std::move(v));
      return true;
    }
    if (depth_ == 0) bundle_error("(the bundle)", "a JSON object", stix_import_impl::shown(v));
    if (depth_ == 2 && in_objects_) {
      mapper_.object(index_++, std::move(v));  // refused: not an object
      return true;
    }
    if (depth_ == 1) {
      if (key_ == "type" || key_ == "id") {
        if (!v.is_string()) bundle_error(key_, "a string", stix_import_impl::shown(v));
        (key_ == "type" ? bundle_type_ : bundle_id_) = v.get<std::string>();
      } else if (key_ == "objects") {
        bundle_error("objects", "a list of STIX objects", stix_import_impl::shown(v));
      }
    }
    return true;
  }

  void deliver() {
    building_ = false;
    mapper_.object(index_++, builder_.take());
    if (options_.progress && options_.progress_every > 0 && index_ % options_.progress_every == 0) {
      options_.progress(index_, buf_.bytes());
    }
  }

  const StixImportOptions& options_;
  const LimitedBuf& buf_;
  Mapper mapper_;
  Builder builder_;
  int depth_ = 0;
  bool building_ = false, in_objects_ = false, saw_objects_ = false;
  std::size_t index_ = 0;
  std::string key_, bundle_type_, bundle_id_;
  std::set<std::string> top_keys_;
};

}  // namespace

std::string StixImport::unmapped_name() const {
  return "stix-unmapped-" + bundle_id + ".json";
}

StixImport import_stix(std::istream& in, const StixImportOptions& options) {
  LimitedBuf buf(in, options.max_input_bytes, options.max_string_bytes);
  std::istream limited(&buf);
  Sax sax(options, buf);
  json::sax_parse(limited, &sax, json::input_format_t::json, true);
  if (in.bad()) {
    throw Error(ErrorCategory::internal, "stix_read_failed", "reading the STIX bundle failed");
  }
  StixImport out = sax.finish();
  if (options.progress) options.progress(out.objects, buf.bytes());
  return out;
}

}  // namespace hotline::interop
