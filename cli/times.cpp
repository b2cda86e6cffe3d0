#include "times.hpp"

#include <cctype>
#include <cstdio>

namespace strata::cli {

namespace {

// Days from 1970-01-01 to year-month-day (proleptic Gregorian), after
// Howard Hinnant's days_from_civil.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

}  // namespace

result<uint64_t> parse_time_us(std::string_view text, std::string_view what) {
  auto bad = [&] {
    return make_error(errc::InvalidInput,
                      std::string(what) + " must be microseconds since the epoch or an RFC 3339 "
                                          "time such as 2026-12-02T14:30:00Z, got '" +
                          std::string(text) + "'");
  };
  if (text.empty())
    return bad();
  size_t pos = 0;
  // n digits as a number, or -1.
  auto digits = [&](size_t n) -> int64_t {
    if (pos + n > text.size())
      return -1;
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = text[pos + k];
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return -1;
      v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
  };
  auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  bool all_digits = true;
  for (char c : text)
    all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (text.size() > 19)
      return bad();
    uint64_t v = 0;
    for (char c : text) {
      uint64_t next = v * 10 + static_cast<uint64_t>(c - '0');
      if (next / 10 != v)
        return bad();
      v = next;
    }
    return v;
  }
  int64_t year = digits(4);
  if (year < 0 || !expect('-'))
    return bad();
  int64_t month = digits(2);
  if (month < 1 || month > 12 || !expect('-'))
    return bad();
  int64_t day = digits(2);
  if (day < 1 || day > static_cast<int64_t>(days_in(year, static_cast<unsigned>(month))))
    return bad();
  if (!(expect('T') || expect('t') || expect(' ')))
    return bad();
  int64_t hour = digits(2);
  if (hour < 0 || hour > 23 || !expect(':'))
    return bad();
  int64_t minute = digits(2);
  if (minute < 0 || minute > 59 || !expect(':'))
    return bad();
  int64_t second = digits(2);
  if (second < 0 || second > 60)  // 60: a leap second, counted as :59 + 1 s
    return bad();
  int64_t micros = 0;
  if (expect('.')) {
    size_t first = pos;
    int64_t scale = 100000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (pos - first < 6)
        micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first)
      return bad();
  }
  int64_t offset_minutes = 0;
  if (expect('Z') || expect('z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh = digits(2);
    if (oh < 0 || oh > 23 || !expect(':'))
      return bad();
    int64_t om = digits(2);
    if (om < 0 || om > 59)
      return bad();
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != text.size())
    return bad();
  int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                     86400 +
                 hour * 3600 + minute * 60 + second - offset_minutes * 60;
  if (secs < 0)
    return make_error(errc::InvalidInput,
                      std::string(what) + " is before 1970: '" + std::string(text) + "'");
  return static_cast<uint64_t>(secs) * 1000000u + static_cast<uint64_t>(micros);
}

std::string format_time_us(uint64_t us) {
  int64_t secs = static_cast<int64_t>(us / 1000000u);
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lluZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60),
                static_cast<unsigned long long>(us % 1000000u));
  return buf;
}

}  // namespace strata::cli
