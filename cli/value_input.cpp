#include "value_input.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "strata/messages/json.hpp"
#include "strata/messages/limits.hpp"

namespace strata::cli {

namespace {

bool is_int_word(std::string_view w) {
  size_t i = (!w.empty() && w[0] == '-') ? 1 : 0;
  if (i == w.size())
    return false;
  for (; i < w.size(); ++i)
    if (w[i] < '0' || w[i] > '9')
      return false;
  return true;
}

std::optional<double> float_word(std::string_view w) {
  size_t i = (!w.empty() && w[0] == '-') ? 1 : 0;
  if (i == w.size())
    return std::nullopt;
  bool marker = false;
  for (size_t j = i; j < w.size(); ++j) {
    char c = w[j];
    if (c == '.' || c == 'e' || c == 'E')
      marker = true;
    else if (!((c >= '0' && c <= '9') || c == '+' || c == '-'))
      return std::nullopt;
  }
  if (!marker)
    return std::nullopt;
  // strtod accepts "5." and ".5" as Rust's f64::from_str does; it must
  // consume the whole word ("1.2.3" and "e" fail here).
  std::string s(w);
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || end == s.c_str())
    return std::nullopt;
  // Overflow to infinity is still a parse in Rust (1e999 → inf); keep it.
  return d;
}

}  // namespace

Value auto_detect(std::string_view word) {
  if (!word.empty() && (word[0] == '{' || word[0] == '[' || word[0] == '"')) {
    if (auto v = parse_strict_json(word))
      return std::move(*v);
  }
  if (word == "null")
    return Value{};
  if (word == "true")
    return Value{true};
  if (word == "false")
    return Value{false};
  if (is_int_word(word)) {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
    if (ec == std::errc{} && ptr == word.data() + word.size())
      return Value{n};
    // Too large for int64: falls through and ends up a String.
  }
  if (auto d = float_word(word))
    return Value{*d};
  return Value{std::string(word)};
}

result<Value> parse_strict_json(std::string_view text) {
  return parse_json(text, Limits{}.max_nesting_depth);
}

result<std::vector<float>> vector_from_value(const Value& v) {
  const Array* arr = v.as_array();
  if (!arr)
    return make_error(errc::InvalidInput, "Expected a JSON array of numbers");
  std::vector<float> out;
  out.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    const Value& x = (*arr)[i];
    if (auto n = x.as_int())
      out.push_back(static_cast<float>(*n));
    else if (auto d = x.as_float())
      out.push_back(static_cast<float>(*d));
    else
      return make_error(errc::InvalidInput, "Element " + std::to_string(i) + " is not a number");
  }
  return out;
}

result<std::vector<float>> parse_vector(std::string_view text) {
  auto v = parse_strict_json(text);
  if (!v)
    return make_error(errc::InvalidInput, "Invalid vector literal: " + message_of(v.error()));
  return vector_from_value(*v);
}

result<uint64_t> parse_u64(std::string_view word, std::string_view what) {
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
  if (word.empty() || ec != std::errc{} || ptr != word.data() + word.size())
    return make_error(errc::InvalidInput, std::string(what) +
                                              " must be a non-negative integer, got '" +
                                              std::string(word) + "'");
  return n;
}

result<std::string> read_input_file(const std::string& path) {
  if (path == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (std::cin.bad())
      return make_error(errc::Io, "cannot read standard input");
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(errc::Io, "cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return make_error(errc::Io, "cannot read '" + path + "': " + std::strerror(errno));
  return buf.str();
}

Value value_from_file_text(std::string_view text) {
  if (auto v = parse_strict_json(text))
    return std::move(*v);
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return Value{std::string()};
  auto last = text.find_last_not_of(" \t\r\n");
  return Value{std::string(text.substr(first, last - first + 1))};
}

}  // namespace strata::cli
