// The command line of every tool under tools/: one strict reading of option values, one way to
// report a bad one. std::stoi / atof / strtof read "3abc" as 3, "" as 0 and "nan" as a number,
// so a typo silently ran a different experiment; here a value must parse in full and fit its
// range, and a bad one is a usage error (exit 2) that names the option, the value and what is
// expected. --help / -h prints the usage to stdout and exits 0.
//
//   Args parse(int argc, char** argv) {
//     return dcnn::tools::parse_or_exit("deltacnn-eval", kUsage, [&] {
//       Args a;
//       dcnn::tools::CommandLine cl(argc, argv);
//       while (cl.next()) {
//         if (cl.is("--frames")) a.frames = cl.integer(1, 1000000);
//         else if (cl.is("--threshold")) a.scale = cl.number(0.0, 1e6);
//         else cl.unknown();
//       }
//       if (a.config.empty()) throw dcnn::tools::UsageError("--config is required");
//       return a;
//     });
//   }
#pragma once

#include <climits>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

namespace dcnn::tools {

// A bad command line; what() is the one-line problem, e.g.
// "--frames '3abc': expected an integer >= 1".
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown by CommandLine::next() on --help or -h.
struct HelpRequested {};

enum class Bound { Inclusive, Exclusive };

// Walks argv one option at a time; the value readers consume the argument after the option.
class CommandLine {
 public:
  CommandLine(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next option: false after the last one; throws HelpRequested on -h / --help.
  bool next();
  const std::string& option() const { return option_; }
  bool is(const char* name) const { return option_ == name; }

  // The option's value; UsageError when it is missing or empty.
  std::string text();
  // The whole value as a base-10 integer in [min, max] (max = LONG_MAX: no upper bound).
  long integer(long min, long max = LONG_MAX);
  // The whole value as a finite number in [min, max] ("(min, max]" with Bound::Exclusive).
  double number(double min, double max, Bound lower = Bound::Inclusive);
  // "WIDTHxHEIGHT" with both in 1..16384, e.g. "768x576".
  void size(int* width, int* height);
  // One of `choices` ("cpu|cuda|auto"), returned as given.
  std::string choice(const std::string& choices);
  [[noreturn]] void unknown() const;

 private:
  [[noreturn]] void bad_value(const std::string& value, const std::string& expected) const;

  int argc_;
  char** argv_;
  int index_ = 0;
  std::string option_;
};

// Runs `parse` (which builds the tool's options, throwing UsageError on a bad command line).
// UsageError: "TOOL: problem" and the usage on stderr, exit 2. HelpRequested: the usage on
// stdout, exit 0.
template <class Parse>
auto parse_or_exit(const char* tool, const char* usage, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const UsageError& e) {
    std::cerr << tool << ": " << e.what() << "\n" << usage;
    std::exit(2);
  } catch (const HelpRequested&) {
    std::cout << usage;
    std::exit(0);
  }
}

}  // namespace dcnn::tools
