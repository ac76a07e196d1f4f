#include "tools/tune/delta_yaml_writer.h"

#include <cstdio>
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
      // Drop the old map: its inline value and any deeper-indented entry lines.
      while (i + 1 < section.size() && (indent_of(section[i + 1]) > indent && !is_blank_or_comment(section[i + 1]))) ++i;
      out_section.insert(out_section.end(), map_lines.begin(), map_lines.end());
      map_found = true;
      continue;
    }
    bool replaced = false;
    for (size_t k = 0; k < scalars.size(); ++k) {
      if (key != scalars[k].first) continue;
      size_t hash = body.find(" #");
      if (hash != std::string::npos)
        while (hash > 0 && body[hash - 1] == ' ') --hash;  // keep the comment's alignment
      std::string tail = hash == std::string::npos ? "" : body.substr(hash);
      if (!comment.empty() && (key == "threshold" || key == "threshold_scale" || key == "truncate_linear"))
        tail = "  # " + comment;
      out_section.push_back(pad + key + ": " + scalars[k].second + tail);
      found[k] = replaced = true;
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
