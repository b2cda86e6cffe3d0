#include "tokenizer.hpp"

namespace strata::cli {

result<std::vector<std::string>> tokenize(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  // A word exists once any character or quote pair was seen, so that ""
  // yields an empty word while plain blanks yield none.
  bool in_word = false;
  size_t i = 0;
  auto invalid = [] { return make_error(errc::InvalidInput, "Invalid quoting"); };
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      ++i;
    } else if (c == '\'') {
      auto end = line.find('\'', i + 1);
      if (end == std::string_view::npos)
        return invalid();
      word.append(line.substr(i + 1, end - i - 1));
      in_word = true;
      i = end + 1;
    } else if (c == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char d = line[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < line.size()) {
          char e = line[i + 1];
          if (e == '"' || e == '\\' || e == '$' || e == '`') {
            word += e;
            i += 2;
            continue;
          }
          if (e == '\n') {
            i += 2;
            continue;
          }
        }
        word += d;
        ++i;
      }
      if (!closed)
        return invalid();
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= line.size())
        return invalid();
      if (line[i + 1] != '\n')  // backslash-newline joins lines, as in sh
        word += line[i + 1];
      in_word = true;
      i += 2;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

bool continues_on_next_line(std::string_view text) {
  enum { Plain, Single, Double } in = Plain;
  long depth = 0;
  bool dangling = false;  // a backslash with nothing after it
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in == Single) {
      if (c == '\'')
        in = Plain;
    } else if (c == '\\') {
      dangling = i + 1 == text.size();
      ++i;
    } else if (in == Double) {
      if (c == '"')
        in = Plain;
    } else if (c == '\'') {
      in = Single;
    } else if (c == '"') {
      in = Double;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return in != Plain || depth > 0 || dangling;
}

}  // namespace strata::cli
