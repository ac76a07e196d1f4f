#include "engine/config/zones_config.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace dcnn {
namespace {

const std::vector<std::string> kZoneKeys = {"name", "polygon", "units", "anchor", "labels", "inertia"};
const std::vector<std::string> kMaskKeys = {"name", "polygon", "units", "fill", "drop_objects"};
// Far above any real use; keeps a hostile file from making per-frame point tests expensive.
constexpr size_t kMaxEntries = 256;
constexpr size_t kMaxPoints = 1000;
constexpr float kMaxPixel = 65536.f;  // frames are at most 65536 pixels a side (check_image_view)

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

zones::Units read_units(const YamlReader& r, const YAML::Node& entry, const std::string& key) {
  if (!entry["units"]) return zones::Units::Pixels;
  return r.read_enum<zones::Units>(entry["units"], key + ".units",
                                   {{"pixels", zones::Units::Pixels}, {"normalized", zones::Units::Normalized}});
}

zones::Polygon read_polygon(const YamlReader& r, const YAML::Node& node, const std::string& key,
                            zones::Units units) {
  const std::string shape = "a list of at least 3 [x, y] points, e.g. [[0, 300], [768, 300], [768, 576]]";
  if (!node.IsSequence()) r.fail(key, "is not a list" + r.where(node), shape);
  if (node.size() < 3)
    r.fail(key, "has " + std::to_string(node.size()) + " point(s)" + r.where(node), shape);
  if (node.size() > kMaxPoints)
    r.fail(key, "has " + std::to_string(node.size()) + " points" + r.where(node),
           "at most " + std::to_string(kMaxPoints) + " points");
  const bool normalized = units == zones::Units::Normalized;
  const float max = normalized ? 1.f : kMaxPixel;
  zones::Polygon polygon;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item = key + "[" + std::to_string(i) + "]";
    const YAML::Node p = node[i];
    if (!p.IsSequence() || p.size() != 2)
      r.fail(item, "is not an [x, y] pair" + r.where(p),
             normalized ? "[x, y] with x and y in [0, 1] (units: normalized)"
                        : "[x, y] in source-frame pixels (units: pixels)");
    polygon.push_back({r.read_float(p[0], item + ".x", 0.f, max), r.read_float(p[1], item + ".y", 0.f, max)});
    if (i > 0 && polygon[i].x == polygon[i - 1].x && polygon[i].y == polygon[i - 1].y)
      r.fail(item, "repeats the point before it" + r.where(p), "distinct consecutive points");
  }
  if (polygon.front().x == polygon.back().x && polygon.front().y == polygon.back().y)
    r.fail(key, "ends on its first point" + r.where(node),
           "each corner once (the polygon closes itself from the last point to the first)");
  // Points on one line first: four of them also "cross" (an edge runs back over another), and
  // that message would send the user looking for a bow tie.
  // Within a millionth of the polygon's size: normalized corners such as 0.1 and 0.7 are not
  // exact in float, and a line through them is no line to == (session 30's reviews).
  double min_x = polygon[0].x, max_x = min_x, min_y = polygon[0].y, max_y = min_y;
  for (const zones::Point& p : polygon) {
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  const double extent = std::max(max_x - min_x, max_y - min_y);
  // Float rounding grows with the coordinates themselves, not with the extent (a small zone
  // near the far corner, in normalized units).
  const double scale = std::max({extent, std::abs(min_x), std::abs(max_x), std::abs(min_y), std::abs(max_y)});
  const double ux = polygon[1].x - polygon[0].x, uy = polygon[1].y - polygon[0].y;
  const double u_length = std::hypot(ux, uy);
  const bool on_one_line = std::all_of(polygon.begin(), polygon.end(), [&](const zones::Point& p) {
    // Distance of p from the line through the first two points.
    const double cross = ux * (p.y - polygon[0].y) - uy * (p.x - polygon[0].x);
    return std::abs(cross) <= 1e-6 * scale * u_length;
  });
  if (on_one_line)
    r.fail(key, "has no area: its points lie on one line" + r.where(node), "a polygon that encloses a region");
  size_t a = 0, b = 0;
  if (zones::self_intersects(polygon, &a, &b)) {
    auto edge = [&](size_t e) {
      return "edge " + std::to_string(e) + " (point " + std::to_string(e) + " to " +
             std::to_string((e + 1) % polygon.size()) + ")";
    };
    r.fail(key, "crosses itself: " + edge(a) + " meets " + edge(b) + r.where(node),
           "a simple polygon: list the corners in order around it");
  }
  // After the crossing test: a bow tie's two halves cancel to a zero signed area as well.
  if (std::abs(zones::doubled_area(polygon)) <= 1e-6 * extent * scale)
    r.fail(key, "has no area: its points lie on one line" + r.where(node), "a polygon that encloses a region");
  return polygon;
}

void require_list(const YamlReader& r, const YAML::Node& node, const std::string& key,
                  const std::string& expected) {
  if (!node.IsSequence()) r.fail(key, "is not a list" + r.where(node), expected);
  if (node.size() > kMaxEntries)
    r.fail(key, "has " + std::to_string(node.size()) + " entries" + r.where(node),
           "at most " + std::to_string(kMaxEntries));
}

zones::ZoneSettings read_zone(const YamlReader& r, const YAML::Node& entry, const std::string& key,
                              const DecoderConfig& decoder) {
  r.require_map(entry, key);
  r.check_keys(entry, key, kZoneKeys);
  zones::ZoneSettings z;
  // The polygon's line: what the frame-time check (a point outside the frame) names.
  z.line = YamlReader::line(entry["polygon"] ? entry["polygon"] : entry);
  z.name = r.read_string(r.require(entry, key, "name"), key + ".name");
  if (!valid_name(z.name))
    r.fail(key + ".name", "'" + z.name + "' is not a valid zone name" + r.where(entry["name"]),
           "1 to 64 letters, digits, '_', '-' or '.'");
  z.units = read_units(r, entry, key);
  z.polygon = read_polygon(r, r.require(entry, key, "polygon"), key + ".polygon", z.units);
  if (entry["anchor"])
    z.anchor = r.read_enum<zones::Anchor>(entry["anchor"], key + ".anchor",
                                          {{"bottom_center", zones::Anchor::BottomCenter},
                                           {"center", zones::Anchor::Center}});
  if (entry["labels"]) {
    z.labels = r.read_string_list(entry["labels"], key + ".labels");
    for (size_t i = 0; i < z.labels.size(); ++i) {
      const auto& known = decoder.labels;
      if (!known.empty() && std::find(known.begin(), known.end(), z.labels[i]) == known.end())
        r.fail(key + ".labels[" + std::to_string(i) + "]",
               "'" + z.labels[i] + "' is not a label of this model" + r.where(entry["labels"][i]),
               "one of decoder.labels (e.g. '" + known.front() + "')");
    }
  }
  if (entry["inertia"]) z.inertia = r.read_int(entry["inertia"], key + ".inertia", 1, 1000);
  return z;
}

zones::MaskSettings read_mask(const YamlReader& r, const YAML::Node& entry, const std::string& key) {
  r.require_map(entry, key);
  r.check_keys(entry, key, kMaskKeys);
  zones::MaskSettings m;
  m.line = YamlReader::line(entry["polygon"] ? entry["polygon"] : entry);
  if (entry["name"]) {
    m.name = r.read_string(entry["name"], key + ".name");
    if (!valid_name(m.name))
      r.fail(key + ".name", "'" + m.name + "' is not a valid mask name" + r.where(entry["name"]),
             "1 to 64 letters, digits, '_', '-' or '.'");
  }
  m.units = read_units(r, entry, key);
  m.polygon = read_polygon(r, r.require(entry, key, "polygon"), key + ".polygon", m.units);
  if (entry["drop_objects"]) m.drop_objects = r.read_bool(entry["drop_objects"], key + ".drop_objects");
  if (entry["fill"])
    m.fill = r.read_enum<zones::MaskFill>(entry["fill"], key + ".fill",
                                          {{"blank", zones::MaskFill::Blank}, {"last", zones::MaskFill::Last}});
  return m;
}

}  // namespace

void parse_zones(const YamlReader& r, const YAML::Node& zones_node, const YAML::Node& masks_node,
                 const DecoderConfig& decoder, zones::ZonesConfig& out) {
  out.source = r.source();
  if (zones_node && !zones_node.IsNull()) {
    require_list(r, zones_node, "zones",
                 "a list of zones, each {name: door, polygon: [[x, y], ...]} (see README, \"Zones and masks\")");
    std::map<std::string, int> lines;
    for (size_t i = 0; i < zones_node.size(); ++i) {
      const std::string key = "zones[" + std::to_string(i) + "]";
      zones::ZoneSettings z = read_zone(r, zones_node[i], key, decoder);
      const auto [it, fresh] = lines.emplace(z.name, z.line);
      if (!fresh)
        r.fail(key + ".name", "zone '" + z.name + "' is given twice (line " + std::to_string(it->second) +
                                  " and line " + std::to_string(z.line) + ")",
               "a distinct name per zone (names go into metadata and events)");
      out.zones.push_back(std::move(z));
    }
  }
  if (masks_node && !masks_node.IsNull()) {
    require_list(r, masks_node, "masks",
                 "a list of masks, each {polygon: [[x, y], ...]} (see README, \"Zones and masks\")");
    for (size_t i = 0; i < masks_node.size(); ++i)
      out.masks.push_back(read_mask(r, masks_node[i], "masks[" + std::to_string(i) + "]"));
  }
}

}  // namespace dcnn
