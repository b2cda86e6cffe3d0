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

#include <sys/stat.h>

#include "strata/messages/json.hpp"
#include "strata/messages/limits.hpp"

namespace strata::cli {

namespace {

// Whether a JSON parse failed on the nesting limit: the text was JSON,
// just too deep, and falling back to a String would store something the
// user did not mean (issue 18).
bool too_deep(const caf::error& err) {
  return err.category() == error_category() &&
         err.code() == static_cast<uint8_t>(errc::ConstraintViolation);
}

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

result<Value> auto_detect(std::string_view word) {
  if (!word.empty() && (word[0] == '{' || word[0] == '[' || word[0] == '"')) {
    auto v = parse_strict_json(word);
    if (v)
      return std::move(*v);
    if (too_deep(v.error()))
      return std::move(v.error());
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

namespace {

// Reads `in` to its end, refusing more than `limit` bytes (a pipe or a
// character device has no size to check up front).
result<std::string> read_bounded(std::istream& in, const std::string& what, size_t limit) {
  std::string text;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > limit)
      return make_error(errc::ConstraintViolation, what + " holds more than " +
                                                       std::to_string(limit) +
                                                       " bytes, the most a value can take");
  }
  if (in.bad())
    return make_error(errc::Io, "cannot read " + what + ": " + std::strerror(errno));
  return text;
}

}  // namespace

result<std::string> read_input_file(const std::string& path) {
  if (path == "-")
    return read_bounded(std::cin, "standard input", max_input_file_bytes);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(errc::Io, "cannot read '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    return make_error(errc::InvalidInput, "'" + path + "' is a directory, not a file");
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_input_file_bytes)
    return make_error(errc::ConstraintViolation,
                      "'" + path + "' holds " + std::to_string(st.st_size) +
                          " bytes, more than the " + std::to_string(max_input_file_bytes) +
                          " a value can take");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(errc::Io, "cannot read '" + path + "': " + std::strerror(errno));
  return read_bounded(in, "'" + path + "'", max_input_file_bytes);
}

result<Value> value_from_file_text(std::string_view text) {
  auto v = parse_strict_json(text);
  if (v)
    return std::move(*v);
  if (too_deep(v.error()))
    return std::move(v.error());
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return Value{std::string()};
  auto last = text.find_last_not_of(" \t\r\n");
  return Value{std::string(text.substr(first, last - first + 1))};
}

}  // namespace strata::cli
