// Whole small networks: delta mode with all thresholds 0 equals dense to float tolerance over
// 60 frames, with the convs forced sparse, forced dense-on-deltas, or chosen by break-even, with
// linear truncation on, with the output heads run dense from their accumulated input (always, or
// switching between dense and delta by activity) and with the block-mean input test.
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

struct ExactCase {
  float break_even;
  bool truncate_linear;
  float head_dense_break_even;  // 1: heads always delta; 0: dense tail whenever anything changed
  int input_block;              // block-mean input test on (it only adds active pixels)
};

void expect_exact(const NetCase& net, bool noisy) {
  const ExactCase cases[] = {
      {1.f, false, 1.f, 0},   {0.f, false, 1.f, 0},   {0.4f, false, 1.f, 0},
      {0.4f, true, 1.f, 0},   {0.4f, true, 0.f, 0},   {0.4f, true, 0.1f, 4},
  };
  for (const ExactCase& c : cases) {
    DeltaSettings settings = exact_settings(c.break_even);
    settings.truncate_linear = c.truncate_linear;
    settings.head_dense_break_even = c.head_dense_break_even;
    settings.input_block = c.input_block;
    settings.input_block_threshold = 0.5f;
    SequenceOptions seq;
    seq.height = 48;
    seq.width = 64;
    seq.patches = 3;
    seq.patch_size = 8;
    seq.scene_cut_frame = 35;
    seq.shake_period = 23;
    seq.noise_sigma = noisy ? 1.5f : 0.f;
    auto errors = compare_dense_delta(net.build(48, 64), settings, seq, 60);
    EXPECT_LE(worst(errors), 1e-4f) << net.name << " break_even " << c.break_even << " truncate_linear "
                                    << c.truncate_linear << " head_dense_break_even "
                                    << c.head_dense_break_even << " input_block " << c.input_block;
  }
}

const NetCase kNets[] = {
    {"mobilenet_v2_block", [](int h, int w) { return mobilenet_v2_block(h, w); }},
    {"squeeze_excite_block", [](int h, int w) { return squeeze_excite_block(h, w); }},
    {"fpn_upsample_add", [](int h, int w) { return fpn_upsample_add(h, w); }},
    {"concat_branches", [](int h, int w) { return concat_branches(h, w); }},
    {"fpn_with_heads", [](int h, int w) { return fpn_with_heads(h, w); }},
    {"deconv_decoder", [](int h, int w) { return deconv_decoder(h, w); }},
};

TEST(DeltaNetworks, MobileNetV2BlockWithResidual) { expect_exact(kNets[0], false); }
TEST(DeltaNetworks, SqueezeExciteBlock) { expect_exact(kNets[1], false); }
TEST(DeltaNetworks, FpnUpsampleAdd) { expect_exact(kNets[2], false); }
TEST(DeltaNetworks, ConcatBranches) { expect_exact(kNets[3], false); }
TEST(DeltaNetworks, FpnWithHeads) { expect_exact(kNets[4], false); }
TEST(DeltaNetworks, DeconvDecoder) { expect_exact(kNets[5], false); }
TEST(DeltaNetworks, AllNetworksNoisyInput) {
  for (const NetCase& net : kNets) expect_exact(net, true);
}

}  // namespace
}  // namespace dcnn::test
