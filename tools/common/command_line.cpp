#include "tools/common/command_line.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>

namespace dcnn::tools {
namespace {

// "1000000" rather than "1e+06"; "0.5" rather than "0.500000".
std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

bool CommandLine::next() {
  if (++index_ >= argc_) return false;
  option_ = argv_[index_];
  if (option_ == "--help" || option_ == "-h") throw HelpRequested{};
  return true;
}

std::string CommandLine::text() {
  if (index_ + 1 >= argc_) throw UsageError(option_ + " needs a value");
  const std::string value = argv_[++index_];
  if (value.empty()) throw UsageError(option_ + " needs a value, got an empty one");
  // `--config --video v.avi`: the value was forgotten, and the next option is not a file name
  // (one that really starts with "--" can be given as ./--name).
  if (value.rfind("--", 0) == 0)
    throw UsageError(option_ + " needs a value, got the option '" + value + "' (a file named so: ./" + value + ")");
  return value;
}

void CommandLine::bad_value(const std::string& value, const std::string& expected) const {
  throw UsageError(option_ + " '" + value + "': expected " + expected);
}

long CommandLine::integer(long min, long max) {
  const std::string expected =
      "an integer " + (max == LONG_MAX ? ">= " + std::to_string(min)
                                       : "in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  const std::string value = text();
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  // strtol skips leading blanks: " 5" is not what the user meant to type either.
  if (*end != '\0' || std::isspace(static_cast<unsigned char>(value[0])) || errno == ERANGE ||
      v < min || v > max)
    bad_value(value, expected);
  return v;
}

double CommandLine::number(double min, double max, Bound lower) {
  const std::string low = lower == Bound::Inclusive ? "[" : "(";
  const std::string expected =
      "a number " + (std::isinf(max) ? std::string(lower == Bound::Inclusive ? ">= " : "> ") + number_text(min)
                                     : "in " + low + number_text(min) + ", " + number_text(max) + "]");
  const std::string value = text();
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  const bool below = lower == Bound::Inclusive ? v < min : v <= min;
  if (*end != '\0' || std::isspace(static_cast<unsigned char>(value[0])) || !std::isfinite(v) ||
      below || v > max)
    bad_value(value, expected);
  return v;
}

void CommandLine::size(int* width, int* height) {
  const std::string value = text();
  const std::string expected = "WIDTHxHEIGHT with both in 1..16384, e.g. 768x576";
  const size_t x = value.find('x');
  if (x == std::string::npos) bad_value(value, expected);
  long parts[2];
  const std::string texts[2] = {value.substr(0, x), value.substr(x + 1)};
  for (int i = 0; i < 2; ++i) {
    char* end = nullptr;
    errno = 0;
    parts[i] = std::strtol(texts[i].c_str(), &end, 10);
    if (texts[i].empty() || !std::isdigit(static_cast<unsigned char>(texts[i][0])) || *end != '\0' ||
        errno == ERANGE || parts[i] < 1 || parts[i] > 16384)
      bad_value(value, expected);
  }
  *width = int(parts[0]);
  *height = int(parts[1]);
}

std::string CommandLine::choice(const std::string& choices) {
  const std::string value = text();
  size_t start = 0;
  while (start <= choices.size()) {
    const size_t bar = choices.find('|', start);
    const size_t stop = bar == std::string::npos ? choices.size() : bar;
    if (choices.compare(start, stop - start, value) == 0 && value.size() == stop - start) return value;
    start = stop + 1;
  }
  bad_value(value, "one of " + choices);
}

void CommandLine::unknown() const { throw UsageError("unknown option '" + option_ + "'"); }

}  // namespace dcnn::tools
