// The `zones:` and `masks:` blocks of a deployment file, as the loader validated them
// (engine/config/zones_config.cpp; schema in the README, "Zones and masks"). Coordinates are
// kept as written; they become frame pixels once the frame size is known (frame_zones.h).
#pragma once

#include <string>
#include <vector>

#include "engine/zones/polygon.h"

namespace dcnn::zones {

// pixels: source-frame pixels (what the user sees, before any resize to the model input);
// normalized: 0..1 of the frame's width and height, so one file fits every camera resolution.
enum class Units { Pixels, Normalized };

// Which point of an object's box decides the zones it is in. bottom_center: where a person
// stands (Frigate's choice), so a zone drawn on the ground works; center: the box centre.
enum class Anchor { BottomCenter, Center };

struct ZoneSettings {
  std::string name;
  Polygon polygon;
  Units units = Units::Pixels;
  Anchor anchor = Anchor::BottomCenter;
  std::vector<std::string> labels;  // empty: every label
  // Frames in a row an object's anchor must be inside before it enters the zone, and outside
  // before it leaves (Frigate's `inertia`): a box jittering over the edge does not flap.
  int inertia = 3;
  int line = 0;  // where its polygon was written (1-based; 0 built in code), for error messages
};

// What the network sees under a mask. blank: the letterbox pad value (input.pad_value) in every
// pass, dense and delta alike, so nothing there is ever detected and the delta change test never
// fires there. last: the last frame a dense pass fed (the change test ignores the region, dense
// passes see the real frame); people who walked there keep their place in the network's view
// and can take object slots from real people elsewhere (docs/zones.md), so only for regions
// where nothing that matters ever stands.
enum class MaskFill { Blank, Last };

struct MaskSettings {
  std::string name;  // optional, for messages
  Polygon polygon;
  Units units = Units::Pixels;
  MaskFill fill = MaskFill::Blank;
  // Also drop objects whose box's bottom centre lies in the mask (Frigate's object mask), before
  // the tracker sees them. Off by default: a mask only stops the input change test there.
  bool drop_objects = false;
  int line = 0;
};

struct ZonesConfig {
  std::string source;  // the YAML file, for errors found once the frame size is known
  std::vector<ZoneSettings> zones;
  std::vector<MaskSettings> masks;
  bool empty() const { return zones.empty() && masks.empty(); }
};

}  // namespace dcnn::zones
