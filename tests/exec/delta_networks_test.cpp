// Whole small networks: delta mode with all thresholds 0 equals dense to float tolerance over
// 60 frames, with the convs forced sparse, forced dense-on-deltas, or chosen by break-even, and
// with linear truncation on.
#include <gtest/gtest.h>

#include <functional>

#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

struct NetCase {
  const char* name;
  std::function<ir::Graph(int, int)> build;
};

void expect_exact(const NetCase& net, bool noisy) {
  for (float break_even : {1.f, 0.f, 0.4f, -1.f}) {
    // -1: break-even 0.4 with linear truncation on (eps 0 keeps it exact too).
    DeltaSettings settings = exact_settings(break_even < 0.f ? 0.4f : break_even);
    settings.truncate_linear = break_even < 0.f;
    SequenceOptions seq;
    seq.height = 48;
    seq.width = 64;
    seq.patches = 3;
    seq.patch_size = 8;
    seq.scene_cut_frame = 35;
    seq.shake_period = 23;
    seq.noise_sigma = noisy ? 1.5f : 0.f;
    auto errors = compare_dense_delta(net.build(48, 64), settings, seq, 60);
    EXPECT_LE(worst(errors), 1e-4f) << net.name << " break_even " << break_even;
  }
}

const NetCase kNets[] = {
    {"mobilenet_v2_block", [](int h, int w) { return mobilenet_v2_block(h, w); }},
    {"squeeze_excite_block", [](int h, int w) { return squeeze_excite_block(h, w); }},
    {"fpn_upsample_add", [](int h, int w) { return fpn_upsample_add(h, w); }},
    {"concat_branches", [](int h, int w) { return concat_branches(h, w); }},
};

TEST(DeltaNetworks, MobileNetV2BlockWithResidual) { expect_exact(kNets[0], false); }
TEST(DeltaNetworks, SqueezeExciteBlock) { expect_exact(kNets[1], false); }
TEST(DeltaNetworks, FpnUpsampleAdd) { expect_exact(kNets[2], false); }
TEST(DeltaNetworks, ConcatBranches) { expect_exact(kNets[3], false); }
TEST(DeltaNetworks, AllNetworksNoisyInput) {
  for (const NetCase& net : kNets) expect_exact(net, true);
}

}  // namespace
}  // namespace dcnn::test
