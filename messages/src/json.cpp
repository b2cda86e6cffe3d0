// JSON <-> Value (SPEC 1.2). Parsing goes through nlohmann's SAX interface
// straight into Value, so member order is kept and nesting is bounded
// before anything deep is built.

#include "strata/messages/json.hpp"

#include <cmath>
#include <limits>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

namespace strata {

namespace {

class ValueBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit ValueBuilder(size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return put(Value{}); }
  bool boolean(bool b) override { return put(Value{b}); }
  bool number_integer(number_integer_t i) override { return put(Value{static_cast<int64_t>(i)}); }
  bool number_unsigned(number_unsigned_t u) override {
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return put(Value{static_cast<int64_t>(u)});
    return put(Value{static_cast<double>(u)});
  }
  bool number_float(number_float_t f, const string_t&) override { return put(Value{f}); }
  bool string(string_t& s) override { return put(Value{std::move(s)}); }
  bool binary(binary_t& b) override { return put(Value{Bytes(b.begin(), b.end())}); }

  bool start_object(std::size_t) override { return open(Value{Object{}}); }
  bool key(string_t& k) override {
    keys_.push_back(std::move(k));
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Value{Array{}}); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_ = make_error(errc::InvalidInput, "invalid JSON at byte " + std::to_string(position) +
                                                ": " + clean(ex.what()));
    return false;
  }

  caf::error take_error() { return std::move(error_); }
  Value take_root() { return std::move(root_); }

 private:
  static std::string clean(const char* what) {
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at ...";
    // keep the human part.
    std::string s = what;
    auto pos = s.find("] ");
    return pos == std::string::npos ? s : s.substr(pos + 2);
  }

  bool put(Value v) {
    // A scalar sits at the depth of its enclosing containers, as in
    // validate_value (containers were checked when opened).
    if (too_deep())
      return false;
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Value& top = stack_.back();
    if (auto* arr = top.as_array()) {
      arr->push_back(std::move(v));
    } else {
      top.as_object()->set(std::move(keys_.back()), std::move(v));
      keys_.pop_back();
    }
    return true;
  }

  bool open(Value container) {
    if (too_deep())
      return false;
    stack_.push_back(std::move(container));
    return true;
  }

  // The element being added sits at depth stack_.size() (top level = 0).
  bool too_deep() {
    if (stack_.size() <= max_depth_)
      return false;
    error_ = make_error(errc::ConstraintViolation,
                        "Nesting too deep: " + std::to_string(stack_.size()) +
                            " levels exceeds maximum " + std::to_string(max_depth_));
    return true;
  }

  bool close() {
    Value done = std::move(stack_.back());
    stack_.pop_back();
    return put(std::move(done));
  }

  size_t max_depth_;
  std::vector<Value> stack_;
  std::vector<std::string> keys_;
  Value root_;
  caf::error error_;
};

const char base64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

nlohmann::ordered_json to_nlohmann(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Null: return nullptr;
    case ValueKind::Bool: return *v.as_bool();
    case ValueKind::Int: return *v.as_int();
    case ValueKind::Float: {
      double d = *v.as_float();
      if (!std::isfinite(d))
        return nullptr;
      return d;
    }
    case ValueKind::String: return *v.as_str();
    case ValueKind::Bytes: return base64_encode(*v.as_bytes());
    case ValueKind::Array: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& x : *v.as_array())
        out.push_back(to_nlohmann(x));
      return out;
    }
    case ValueKind::Object: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& m : *v.as_object())
        out[m.first] = to_nlohmann(m.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

std::string base64_encode(const Bytes& data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += base64_chars[(n >> 18) & 63];
    out += base64_chars[(n >> 12) & 63];
    out += base64_chars[(n >> 6) & 63];
    out += base64_chars[n & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = data[i] << 16;
    out += base64_chars[(n >> 18) & 63];
    out += base64_chars[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = (data[i] << 16) | (data[i + 1] << 8);
    out += base64_chars[(n >> 18) & 63];
    out += base64_chars[(n >> 12) & 63];
    out += base64_chars[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

result<Value> parse_json(std::string_view text, size_t max_depth) {
  ValueBuilder builder{max_depth};
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                      nlohmann::json::input_format_t::json, true);
  if (!ok) {
    auto err = builder.take_error();
    if (!err)
      err = make_error(errc::InvalidInput, "invalid JSON");
    return err;
  }
  return builder.take_root();
}

result<Value> Value::from_json(std::string_view text) {
  return parse_json(text, Limits{}.max_nesting_depth);
}

std::string Value::to_json() const {
  // Strings are not checked for UTF-8 on the way in; replace invalid
  // sequences with U+FFFD rather than throw while rendering.
  return to_nlohmann(*this).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  return os << v.to_json();
}

}  // namespace strata
