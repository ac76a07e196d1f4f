#include "engine/config/yaml_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace dcnn {
namespace {

std::string join_key(const std::string& section, const std::string& key) {
  return section.empty() ? key : section + "." + key;
}

std::string number_text(float v) {
  std::string s = std::to_string(v);
  // "0.300000" -> "0.3": keep messages readable.
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

// "line 3" (1-based, as editors count); the column too when both keys share a line (flow maps).
std::string position(const YAML::Mark& m, bool with_column) {
  std::string s = "line " + std::to_string(m.line + 1);
  if (with_column) s += " column " + std::to_string(m.column + 1);
  return s;
}

// YAML's own spellings of infinity (strtod does not read them).
bool is_yaml_infinity(const std::string& text) {
  static const char* const kForms[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                       "-.inf", "-.Inf", "-.INF"};
  for (const char* form : kForms)
    if (text == form) return true;
  return false;
}

// strtol/strtod stopped at `end` after reading all of `text`. Compared with the string's own
// end, not with a NUL: a YAML string can hold "\0", and "1\0junk" must not read as 1 (found by
// tests/fuzz/fuzz_yaml_config.cpp).
bool parsed_whole(const std::string& text, const char* end) {
  return !text.empty() && end == text.c_str() + text.size();
}

}  // namespace

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

void YamlReader::fail(const std::string& key, const std::string& problem,
                      const std::string& expected) const {
  throw Error(ErrorKind::Config, source_ + ": " + key + ": " + problem + "; expected " + expected);
}

std::string YamlReader::where(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return "";
  return " (line " + std::to_string(m.line + 1) + ")";
}

YAML::Node YamlReader::require(const YAML::Node& node, const std::string& section,
                               const std::string& key) const {
  YAML::Node child = node[key];
  if (!child || child.IsNull()) {
    fail(join_key(section, key), "missing required key",
         key == "model" || key == "input" || key == "decoder" ? "a '" + key + ":' section"
                                                              : "a value for it");
  }
  return child;
}

void YamlReader::require_map(const YAML::Node& node, const std::string& key) const {
  if (!node.IsMap()) fail(key, "is not a mapping" + where(node), "a mapping of keys to values");
}

void YamlReader::check_keys(const YAML::Node& node, const std::string& section,
                            const std::vector<std::string>& allowed) const {
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) fail(section.empty() ? "(top level)" : section,
                                   "has a non-scalar key" + where(kv.first), "plain key names");
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string best;
    int best_distance = 1 << 30;
    for (const auto& a : allowed) {
      const int d = edit_distance(key, a);
      if (d < best_distance) best_distance = d, best = a;
    }
    std::string names;
    for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
    // Only suggest names that are plausibly a typo of the key (a third of its letters at most).
    const bool close = best_distance <= std::max<int>(2, int(key.size()) / 3);
    fail(join_key(section, key),
         "unknown key" + where(kv.first) + (close ? " (did you mean '" + best + "'?)" : ""),
         "one of " + names);
  }
}

namespace {

// The containers a walk has already been through. An alias (*name) puts one node in many places,
// and a chain of aliases to lists of aliases repeats it exponentially often: a 425-byte
// "billion laughs" file made the walk below run for hours (found by
// tests/fuzz/fuzz_yaml_config.cpp). Keyed by the node's position in the text, then compared by
// identity (Node::is), so each distinct node is walked once whatever the position marks hold.
class VisitedNodes {
 public:
  // True the first time `node` is seen.
  bool first_visit(const YAML::Node& node) {
    const auto range = by_position_.equal_range(node.Mark().pos);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second.is(node)) return false;
    by_position_.emplace(node.Mark().pos, node);
    return true;
  }

 private:
  std::unordered_multimap<int, YAML::Node> by_position_;
};

void check_unique_keys_below(const YamlReader& r, const YAML::Node& node, const std::string& path,
                             VisitedNodes& visited) {
  if (!(node.IsSequence() || node.IsMap()) || !visited.first_visit(node)) return;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      check_unique_keys_below(r, node[i], path + "[" + std::to_string(i) + "]", visited);
    return;
  }
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : node) {
    if (kv.first.IsScalar()) {  // non-scalar keys are refused by check_keys with their line
      const std::string& key = kv.first.Scalar();
      const YAML::Mark mark = kv.first.Mark();
      const auto first = seen.find(key);
      if (first != seen.end()) {
        const bool same_line = first->second.line == mark.line;
        r.fail(join_key(path, key),
               "is given twice (" + position(first->second, same_line) + " and " +
                   position(mark, same_line) + ")",
               "each key once per section; delete one of them (the first would win silently)");
      }
      seen.emplace(key, mark);
    }
    check_unique_keys_below(r, kv.second,
                            kv.first.IsScalar() ? join_key(path, kv.first.Scalar()) : path, visited);
  }
}

}  // namespace

void YamlReader::check_unique_keys(const YAML::Node& node, const std::string& path) const {
  VisitedNodes visited;
  check_unique_keys_below(*this, node, path, visited);
}

std::string YamlReader::read_string(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) {
    fail(key, std::string(node.IsSequence() ? "is a list" : node.IsMap() ? "is a mapping" : "is empty") + where(node),
         "a string");
  }
  // Names, paths and labels go on to C APIs (open(), GStreamer) that would stop at a NUL and
  // silently use what comes before it.
  if (node.Scalar().find('\0') != std::string::npos)
    fail(key, "'" + node.Scalar() + "' holds a NUL byte" + where(node), "a string without NUL bytes");
  // Labels and names go into JSON records, MQTT payloads and GStreamer structures, which all
  // need UTF-8: a Latin-1 value would pass here and stop the pipeline at its first event.
  const size_t bad = invalid_utf8_offset(node.Scalar());
  if (bad != std::string::npos) {
    fail(key, "'" + node.Scalar() + "' is not UTF-8 text (byte " + std::to_string(bad + 1) + ")" + where(node),
         "UTF-8 text (save the file as UTF-8)");
  }
  return node.Scalar();
}

bool YamlReader::read_bool(const YAML::Node& node, const std::string& key) const {
  const std::string expected = "true or false";
  if (!node.IsScalar()) fail(key, "is not a scalar" + where(node), expected);
  const std::string& text = node.Scalar();
  if (text == "true" || text == "True" || text == "yes") return true;
  if (text == "false" || text == "False" || text == "no") return false;
  fail(key, "'" + text + "' is not a boolean" + where(node), expected);
}

int YamlReader::read_int(const YAML::Node& node, const std::string& key, int min, int max) const {
  const std::string expected =
      "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!node.IsScalar()) fail(key, "is not a scalar" + where(node), expected);
  const std::string& text = node.Scalar();
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (!parsed_whole(text, end)) {
    fail(key, "'" + text + "' is not an integer" + where(node), expected);
  }
  if (errno == ERANGE || v < min || v > max) fail(key, "value " + text + " is out of range" + where(node), expected);
  return int(v);
}

float YamlReader::read_float(const YAML::Node& node, const std::string& key, float min,
                             float max) const {
  const std::string expected = "a number in [" + number_text(min) + ", " + number_text(max) + "]";
  if (!node.IsScalar()) fail(key, "is not a scalar" + where(node), expected);
  const std::string& text = node.Scalar();
  const std::string out_of_range = "value " + text + " is out of range" + where(node);
  if (is_yaml_infinity(text)) fail(key, out_of_range, expected);
  // Parsed as a double and compared before narrowing: 1e300 is a number, just far too large
  // (strtof would only say ERANGE). A double overflow (1e400) is out of range too; an underflow
  // (1e-400) is a number that rounds to 0 and is checked against the range like any other.
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (!parsed_whole(text, end) || std::isnan(v)) {
    fail(key, "'" + text + "' is not a number" + where(node), expected);
  }
  // strtod returns +-HUGE_VAL (infinite) on overflow, as it does for "inf".
  if (std::isinf(v) || v < double(min) || v > double(max)) fail(key, out_of_range, expected);
  return float(v);
}

void YamlReader::read_float3(const YAML::Node& node, const std::string& key, float min, float max,
                             bool strictly_positive, float out[3]) const {
  if (!node.IsSequence() || node.size() != 3) {
    fail(key, "is not a list of 3 numbers" + where(node),
         "[c0, c1, c2] with one value per colour channel");
  }
  for (int i = 0; i < 3; ++i) {
    const std::string item = key + "[" + std::to_string(i) + "]";
    const float v = read_float(node[i], item, min, max);
    if (strictly_positive && v <= 0.f) fail(item, "value " + node[i].Scalar() + " is not positive", "a number > 0");
    out[i] = v;
  }
}

std::vector<std::string> YamlReader::read_string_list(const YAML::Node& node,
                                                      const std::string& key) const {
  if (!node.IsSequence() || node.size() == 0) {
    fail(key, "is not a non-empty list" + where(node), "a list of label names, e.g. [person, car]");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string v = read_string(node[i], key + "[" + std::to_string(i) + "]");
    if (v.empty()) fail(key + "[" + std::to_string(i) + "]", "is empty", "a label name");
    out.push_back(v);
  }
  return out;
}

}  // namespace dcnn
