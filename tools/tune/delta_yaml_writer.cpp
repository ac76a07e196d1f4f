#include "tools/tune/delta_yaml_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "engine/core/error.h"

namespace dcnn::tune {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t indent_of(const std::string& line) {
  const size_t i = line.find_first_not_of(' ');
  return i == std::string::npos ? line.size() : i;
}

bool is_blank_or_comment(const std::string& line) {
  const size_t i = line.find_first_not_of(" \t");
  return i == std::string::npos || line[i] == '#';
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

// The value of a `key: value  # comment` line, trimmed.
std::string value_of(const std::string& body) {
  const size_t colon = body.find(':');
  std::string v = colon == std::string::npos ? "" : body.substr(colon + 1);
  const size_t hash = v.find(" #");
  if (hash != std::string::npos) v.resize(hash);
  const size_t a = v.find_first_not_of(" \t"), b = v.find_last_not_of(" \t");
  return a == std::string::npos ? "" : v.substr(a, b - a + 1);
}

// Whether two YAML scalars hold the same value: numbers compared as numbers ("1.0" is "1"),
// anything else as text.
bool same_value(const std::string& a, const std::string& b) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a), y = std::strtod(b.c_str(), &end_b);
  if (!a.empty() && !b.empty() && *end_a == '\0' && *end_b == '\0')
    return std::fabs(x - y) <= 1e-6 * std::max(1.0, std::fabs(x));
  return a == b;
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// YAML double-quoted key: node names hold '/', ':' and '.'.
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

}  // namespace

std::string rewrite_delta_section(const std::string& yaml_text, const std::string& source_name,
                                  const DeltaSettings& s, const std::string& comment) {
  std::vector<std::string> lines = split_lines(yaml_text);
  size_t begin = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("delta:", 0) == 0) begin = i;
  if (begin == lines.size())
    throw Error(ErrorKind::Config, source_name + ": no top-level 'delta:' section; expected one to rewrite");
  size_t end = begin + 1;  // one past the section's last line
  while (end < lines.size() && (is_blank_or_comment(lines[end]) || indent_of(lines[end]) > 0)) ++end;
  // Trailing blank/comment lines belong to what follows.
  while (end > begin + 1 && is_blank_or_comment(lines[end - 1])) --end;
  size_t indent = 2;
  for (size_t i = begin + 1; i < end; ++i)
    if (!is_blank_or_comment(lines[i])) {
      indent = indent_of(lines[i]);
      break;
    }
  const std::string pad(indent, ' ');

  std::vector<std::pair<std::string, std::string>> scalars = {
      {"input_threshold", number(s.input_threshold)},
      {"input_dilation", std::to_string(s.input_dilation)},
      {"threshold", number(s.default_threshold)},
      {"threshold_scale", number(s.threshold_scale)},
      {"truncate_linear", s.truncate_linear ? "true" : "false"},
  };
  std::vector<std::string> map_lines;
  if (s.layer_thresholds.empty()) {
    map_lines.push_back(pad + "layer_thresholds: {}");
  } else {
    map_lines.push_back(pad + "layer_thresholds:");
    for (const auto& kv : s.layer_thresholds) map_lines.push_back(pad + "  " + quoted(kv.first) + ": " + number(kv.second));
  }

  std::vector<std::string> section(lines.begin() + long(begin), lines.begin() + long(end));
  std::vector<bool> found(scalars.size(), false);
  bool map_found = false;
  std::vector<std::string> out_section;
  for (size_t i = 0; i < section.size(); ++i) {
    const std::string& line = section[i];
    if (i == 0 || is_blank_or_comment(line) || indent_of(line) != indent) {
      out_section.push_back(line);
      continue;
    }
    const std::string body = line.substr(indent);
    const size_t colon = body.find(':');
    const std::string key = colon == std::string::npos ? "" : body.substr(0, colon);
    if (key == "layer_thresholds") {
      // Drop the old map: its inline value and every deeper-indented line, comments between
      // its entries included (left behind, the entries after a comment stayed as well and the
      // rewritten map gave them twice), and blank lines inside it.
      auto inside_map = [&](size_t j) {
        if (!is_blank(section[j])) return indent_of(section[j]) > indent;
        size_t next = j;
        while (next < section.size() && is_blank(section[next])) ++next;
        return next < section.size() && indent_of(section[next]) > indent;
      };
      while (i + 1 < section.size() && inside_map(i + 1)) ++i;
      out_section.insert(out_section.end(), map_lines.begin(), map_lines.end());
      map_found = true;
      continue;
    }
    bool replaced = false;
    for (size_t k = 0; k < scalars.size(); ++k) {
      if (key != scalars[k].first) continue;
      found[k] = replaced = true;
      const std::string old_value = value_of(body);
      // An unchanged value keeps its line, explanation and all; a changed one loses the comment
      // that explained the old value.
      if (same_value(old_value, scalars[k].second)) {
        out_section.push_back(line);
        continue;
      }
      const std::string note = comment.empty() ? "" : "  # " + comment + " (was " + old_value + ")";
      out_section.push_back(pad + key + ": " + scalars[k].second + note);
    }
    if (!replaced) out_section.push_back(line);
  }
  for (size_t k = 0; k < scalars.size(); ++k)
    if (!found[k]) out_section.push_back(pad + scalars[k].first + ": " + scalars[k].second);
  if (!map_found) out_section.insert(out_section.end(), map_lines.begin(), map_lines.end());

  std::string text;
  for (size_t i = 0; i < begin; ++i) text += lines[i] + "\n";
  for (const auto& l : out_section) text += l + "\n";
  for (size_t i = end; i < lines.size(); ++i) text += lines[i] + "\n";
  return text;
}

}  // namespace dcnn::tune
