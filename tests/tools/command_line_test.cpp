// tools/common/command_line: every value parses in full and fits its range, or the usage error
// names the option, the value and what is expected.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "tools/common/command_line.h"

namespace dcnn::tools {
namespace {

// Runs `read` on the value of "--opt" in `tool --opt VALUE`; returns the usage error ("" when none).
std::string problem_with(const std::vector<std::string>& words,
                         const std::function<void(CommandLine&)>& read) {
  std::vector<std::string> storage = {"tool"};
  storage.insert(storage.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (std::string& w : storage) argv.push_back(w.data());
  CommandLine cl(int(argv.size()), argv.data());
  try {
    while (cl.next()) read(cl);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(CommandLine, IntegersParseInFullAndInRange) {
  long got = 0;
  auto frames = [&](CommandLine& cl) { got = cl.integer(1); };
  EXPECT_EQ(problem_with({"--frames", "300"}, frames), "");
  EXPECT_EQ(got, 300);
  EXPECT_EQ(problem_with({"--frames", "3abc"}, frames), "--frames '3abc': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", "-1"}, frames), "--frames '-1': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", "0"}, frames), "--frames '0': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", "2.5"}, frames), "--frames '2.5': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", " 7"}, frames), "--frames ' 7': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", "99999999999999999999"}, frames),
            "--frames '99999999999999999999': expected an integer >= 1");
  EXPECT_EQ(problem_with({"--frames", ""}, frames), "--frames needs a value, got an empty one");
  EXPECT_EQ(problem_with({"--frames"}, frames), "--frames needs a value");
  auto bounded = [&](CommandLine& cl) { got = cl.integer(2, 200); };
  EXPECT_EQ(problem_with({"--frames", "201"}, bounded), "--frames '201': expected an integer in [2, 200]");
}

TEST(CommandLine, AForgottenValueIsNotTheNextOption) {
  std::string got;
  auto config = [&](CommandLine& cl) { got = cl.text(); };
  EXPECT_EQ(problem_with({"--config", "--video"}, config),
            "--config needs a value, got the option '--video' (a file named so: ./--video)");
  EXPECT_EQ(problem_with({"--config", "./--video"}, config), "");
  EXPECT_EQ(got, "./--video");
  EXPECT_EQ(problem_with({"--config", "-weird.yaml"}, config), "");
}

TEST(CommandLine, NumbersAreFiniteAndInRange) {
  double got = -1;
  auto threshold = [&](CommandLine& cl) { got = cl.number(0.0, INFINITY); };
  EXPECT_EQ(problem_with({"--threshold", "0.25"}, threshold), "");
  EXPECT_DOUBLE_EQ(got, 0.25);
  EXPECT_EQ(problem_with({"--threshold", "1e-3"}, threshold), "");
  EXPECT_EQ(problem_with({"--threshold", "-5"}, threshold), "--threshold '-5': expected a number >= 0");
  EXPECT_EQ(problem_with({"--threshold", "nan"}, threshold), "--threshold 'nan': expected a number >= 0");
  EXPECT_EQ(problem_with({"--threshold", "inf"}, threshold), "--threshold 'inf': expected a number >= 0");
  EXPECT_EQ(problem_with({"--threshold", "0.5x"}, threshold), "--threshold '0.5x': expected a number >= 0");
  EXPECT_EQ(problem_with({"--threshold", ""}, threshold), "--threshold needs a value, got an empty one");
  auto target = [&](CommandLine& cl) { got = cl.number(0.0, 1.0, Bound::Exclusive); };
  EXPECT_EQ(problem_with({"--target", "1"}, target), "");
  EXPECT_EQ(problem_with({"--target", "0"}, target), "--target '0': expected a number in (0, 1]");
  EXPECT_EQ(problem_with({"--target", "1.5"}, target), "--target '1.5': expected a number in (0, 1]");
  auto scale = [&](CommandLine& cl) { got = cl.number(0.0, 1e6); };
  EXPECT_EQ(problem_with({"--s", "2e6"}, scale), "--s '2e6': expected a number in [0, 1000000]");
}

TEST(CommandLine, SizesAndChoices) {
  int w = 0, h = 0;
  auto size = [&](CommandLine& cl) { cl.size(&w, &h); };
  EXPECT_EQ(problem_with({"--size", "768x576"}, size), "");
  EXPECT_EQ(w, 768);
  EXPECT_EQ(h, 576);
  const std::string expected = "expected WIDTHxHEIGHT with both in 1..16384, e.g. 768x576";
  for (const char* bad : {"64x64abc", "64", "x64", "64x", "0x64", "-64x64", "+64x64", "64x 64", "99999x1"})
    EXPECT_EQ(problem_with({"--size", bad}, size), std::string("--size '") + bad + "': " + expected);

  std::string got;
  auto backend = [&](CommandLine& cl) { got = cl.choice("cpu|cuda|auto"); };
  EXPECT_EQ(problem_with({"--backend", "cuda"}, backend), "");
  EXPECT_EQ(got, "cuda");
  EXPECT_EQ(problem_with({"--backend", "cu"}, backend), "--backend 'cu': expected one of cpu|cuda|auto");
  EXPECT_EQ(problem_with({"--backend", "cpu|cuda"}, backend),
            "--backend 'cpu|cuda': expected one of cpu|cuda|auto");
}

TEST(CommandLine, HelpAndUnknownOptions) {
  EXPECT_EQ(problem_with({"--bogus"}, [](CommandLine& cl) { cl.unknown(); }), "unknown option '--bogus'");
  for (const char* help : {"--help", "-h"}) {
    bool asked = false;
    try {
      problem_with({"--frames", "3", help}, [](CommandLine& cl) { cl.integer(1); });
    } catch (const HelpRequested&) {
      asked = true;
    }
    EXPECT_TRUE(asked) << help;
  }
}

}  // namespace
}  // namespace dcnn::tools
