#include "kernels/cpu/expand_depthwise.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/conv_onednn.h"
#include "kernels/cpu/depthwise.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/gather_gemm.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/scratch.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

using kern::ActFn;

// Bytes of expanded rows a thread keeps: about L2, so the depthwise conv reads them from cache.
constexpr int64_t kWindowBytes = int64_t{1} << 20;
constexpr int kMaxGroupRows = 8;

// The groups of depthwise output rows both passes walk: how many rows a group takes (its window
// of expanded rows about kWindowBytes), which expanded rows a group's windows read, and the
// depthwise geometry of a group over a buffer that starts at one of those rows.
class RowGroups {
 public:
  explicit RowGroups(const ConvGeometry& d) : g_(d) {
    const int64_t row_bytes = int64_t{g_.in_w} * g_.cin * int64_t(sizeof(float));
    const int window_rows = int(std::max<int64_t>(kWindowBytes / row_bytes, window_rows_for(1)));
    while (rows_ < kMaxGroupRows && window_rows_for(rows_ + 1) <= window_rows) ++rows_;
  }
  int rows() const { return rows_; }
  // Expanded rows the windows of `out_rows` consecutive output rows span.
  int window_rows_for(int out_rows) const {
    return std::min(g_.in_h, (out_rows - 1) * g_.stride_h + (g_.kh - 1) * g_.dil_h + 1);
  }
  // Expanded rows [first, end) read by output rows r0 .. r_last.
  int first(int r0) const { return std::max(0, r0 * g_.stride_h - g_.pad_top); }
  int end(int r_last) const {
    return std::min(g_.in_h, r_last * g_.stride_h - g_.pad_top + (g_.kh - 1) * g_.dil_h + 1);
  }
  // The depthwise conv of output rows r0 .. r_last on input rows [w0, w1) only.
  ConvGeometry on_rows(int w0, int w1, int r0, int r_last) const {
    ConvGeometry sub = g_;
    sub.in_h = w1 - w0;
    sub.pad_top = g_.pad_top + w0 - r0 * g_.stride_h;
    sub.out_h = r_last - r0 + 1;
    return sub;
  }

 private:
  const ConvGeometry& g_;
  int rows_ = 1;
};

// One thread's share: consecutive candidates (whole output rows). The expanded rows the windows
// read are kept in a buffer of `capacity` rows starting at input row `base`, each with a mask of
// the pixels computed so far, so that rows shared by consecutive output rows (kh > stride) are
// computed once.
class Worker {
 public:
  // project: the 1x1 conv after the depthwise conv when the block runs as a whole (the
  // depthwise output then has no map either and the fire step is the projection's), or null.
  // residual: the projection's residual map, or null (expand_depthwise_project_recompute).
  Worker(const PackedConv& e, const kern::ActSpec& ea, const PackedConv& d, const kern::ActSpec& da,
         const PackedConv* project, const kern::ActSpec& pa, const float* x, float eps, float* out_map,
         uint8_t* fired, const float* residual)
      : e_(e), ea_(ea), d_(d), da_(da), p_(project), pa_(pa), x_(x), eps_(eps), out_map_(out_map), fired_(fired),
        residual_(residual), ge_(e.geometry), gd_(d.geometry), c_(gd_.cin), groups_(gd_) {
    capacity_ = 2 * groups_.window_rows_for(groups_.rows());
    buffer_ = scratch_floats(ScratchSlot::Band, size_t(capacity_) * size_t(gd_.in_w) * size_t(c_));
    // Per-thread byte masks that only grow, so steady-state frames allocate nothing.
    thread_local std::vector<uint8_t> computed_store, need_store;
    const size_t cells = size_t(capacity_) * size_t(gd_.in_w);
    if (computed_store.size() < cells) computed_store.resize(cells);
    if (need_store.size() < cells) need_store.resize(cells);
    computed_ = computed_store.data();
    need_ = need_store.data();
    cells_ = cells;
  }

  // Candidates [0, n) of this share, ascending; returns how many fired.
  int run(const int32_t* cand, int n) {
    int fired = 0;
    for (int i = 0; i < n;) {
      const int r0 = cand[i] / gd_.out_w;
      int j = i;
      while (j < n && cand[j] / gd_.out_w < r0 + groups_.rows()) ++j;
      fired += run_group(cand + i, j - i, r0, cand[j - 1] / gd_.out_w);
      i = j;
    }
    return fired;
  }

 private:
  // Makes rows [w0, w1) addressable in the buffer, keeping what is computed of them.
  void cover(int w0, int w1) {
    const int64_t row = int64_t{gd_.in_w};
    if (base_ < 0 || w0 >= base_ + capacity_) {
      base_ = filled_ = w0;
      std::memset(computed_, 0, cells_);
      return;
    }
    if (w1 <= base_ + capacity_) return;
    // Slide: the rows from w0 on that earlier groups reached (the windows' overlap: 1-2 rows)
    // move to the top; the rest of the buffer is free. Rows past filled_ hold nothing yet, so
    // they are not copied (they were: 2-3 of every 5 rows moved, 1.4 % of a delta frame).
    const int keep = std::max(0, std::min(base_ + capacity_, filled_) - w0);
    std::memmove(buffer_, buffer_ + (w0 - base_) * row * c_, sizeof(float) * size_t(keep * row * c_));
    std::memmove(computed_, computed_ + (w0 - base_) * row, size_t(keep * row));
    std::memset(computed_ + keep * row, 0, cells_ - size_t(keep * row));
    base_ = w0;
  }

  int run_group(const int32_t* cand, int n, int r0, int r1) {
    const int w0 = groups_.first(r0), w1 = groups_.end(r1);
    cover(w0, w1);
    filled_ = std::max(filled_, w1);
    const int w = gd_.in_w;
    // The input pixels the candidates' windows read.
    uint8_t* need = need_ + int64_t{w0 - base_} * w;
    std::memset(need, 0, size_t(int64_t{w1 - w0} * w));
    for (int i = 0; i < n; ++i) {
      const int oy = cand[i] / gd_.out_w, ox = cand[i] % gd_.out_w;
      const int ix0 = ox * gd_.stride_w - gd_.pad_left;
      for (int ky = 0; ky < gd_.kh; ++ky) {
        const int iy = oy * gd_.stride_h - gd_.pad_top + ky * gd_.dil_h;
        if (iy < w0 || iy >= w1) continue;
        uint8_t* nrow = need + int64_t{iy - w0} * w;
        for (int kx = 0; kx < gd_.kw; ++kx) {
          const int ix = ix0 + kx * gd_.dil_w;
          if (ix >= 0 && ix < w) nrow[ix] = 1;
        }
      }
    }
    // Those not computed yet: gather their input rows, one GEMM, scatter activated.
    const int64_t span = int64_t{w1 - w0} * w;
    uint8_t* done = computed_ + int64_t{w0 - base_} * w;
    int32_t* slots = scratch_indices(size_t(span) + size_t(n));
    int m = 0;
    for (int64_t p = 0; p < span; ++p)
      if (need[p] && !done[p]) {
        slots[m++] = int32_t(p + int64_t{w0 - base_} * w);
        done[p] = 1;
      }
    if (m > 0) {
      const int cin = ge_.cin;
      const int64_t first = int64_t{base_} * w;  // global input pixel of buffer slot 0
      float* product = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(c_));
      if (gemm_b(e_).ld == c_) {  // the input pixels multiplied where they lie, activated into their slots
        gather_gemm_activated(x_ + first * cin, cin, slots, m, gemm_b(e_), bias_or_null(e_), ea_, product, buffer_,
                              slots);
      } else {
        float* rows = scratch_floats(ScratchSlot::Rows, size_t(m) * size_t(cin));
        for (int i = 0; i < m; ++i)
          std::memcpy(rows + int64_t{i} * cin, x_ + (first + slots[i]) * cin, sizeof(float) * size_t(cin));
        gemm_rows(e_, rows, cin, m, product, c_);
        activate_rows(ea_, product, slots, m, c_, bias_or_null(e_), buffer_);
      }
    }
    // The depthwise conv on the buffer: a geometry whose input starts at row w0.
    const ConvGeometry sub = groups_.on_rows(w0, w1, r0, r1);
    const float* in = buffer_ + int64_t{w0 - base_} * w * c_;
    int32_t* local = slots + span;  // after the slots, which are no longer needed
    for (int i = 0; i < n; ++i) local[i] = cand[i] - r0 * gd_.out_w;
    int fired = 0;
    constexpr int kBlock = 64;
    for (int i0 = 0; i0 < n; i0 += kBlock) {
      const int k = std::min(kBlock, n - i0);
      float* tile = scratch_floats(ScratchSlot::Product, size_t(k) * size_t(c_));
      depthwise_rows_of(sub, d_.weights.data(), in, local + i0, k, tile);
      fired += p_ ? project_and_fire(tile, cand + i0, k)
                  : fire_rows(da_, tile, c_, cand + i0, k, c_, bias_or_null(d_), eps_, out_map_, fired_);
    }
    return fired;
  }

  // The block's projection at k candidates whose depthwise rows (pre-activation) are in
  // `tile`: activated in place, multiplied while in cache, and the projection's rows fire.
  int project_and_fire(float* tile, const int32_t* cand, int k) {
    activate_rows(da_, tile, nullptr, k, c_, bias_or_null(d_), tile);
    const GemmB b = gemm_b(*p_);
    float* product = scratch_floats(ScratchSlot::Rows, size_t(k) * size_t(b.ld));
    gather_gemm(tile, c_, nullptr, k, b, product, b.ld);
    return fire_rows(pa_, product, b.ld, cand, k, b.n, bias_or_null(*p_), eps_, out_map_, fired_, residual_);
  }

  const PackedConv& e_;
  const kern::ActSpec& ea_;
  const PackedConv& d_;
  const kern::ActSpec& da_;
  const PackedConv* p_;
  const kern::ActSpec& pa_;
  const float* x_;
  float eps_;
  float* out_map_;
  uint8_t* fired_;
  const float* residual_;
  const ConvGeometry& ge_;
  const ConvGeometry& gd_;
  int c_;
  RowGroups groups_;
  int capacity_ = 0;
  int base_ = -1;
  int filled_ = -1;  // rows of the buffer from base_ to here may hold computed values
  float* buffer_ = nullptr;
  uint8_t* computed_ = nullptr;  // per buffer pixel: holds the expand's value
  uint8_t* need_ = nullptr;      // per buffer pixel: read by this group's windows
  size_t cells_ = 0;
};

// One thread's output rows of the dense pass. Expanded rows [base_, done_) are in the buffer;
// consecutive groups share the rows their windows overlap on.
class DenseWorker {
 public:
  DenseWorker(const PackedConv& e, const kern::ActSpec& ea, const PackedConv& d, const kern::ActSpec& da,
              const float* x, float* out, const ExpandRowsConv& fast)
      : e_(e), ea_(ea), d_(d), da_(da), x_(x), out_(out), fast_(fast), gd_(d.geometry), c_(gd_.cin),
        groups_(gd_) {
    // Room for two windows and one fast call beyond them, so a slide always makes room.
    capacity_ = 2 * groups_.window_rows_for(groups_.rows()) + (fast_.conv ? fast_.rows : 0);
    buffer_ = scratch_floats(ScratchSlot::Band, size_t(capacity_) * size_t(gd_.in_w) * size_t(c_));
  }

  void run(int oy0, int oy1) {
    for (int r0 = oy0; r0 < oy1; r0 += groups_.rows()) {
      const int r1 = std::min(oy1, r0 + groups_.rows());  // exclusive
      const int w0 = groups_.first(r0), w1 = groups_.end(r1 - 1);
      expand_rows(w0, w1);
      const ConvGeometry sub = groups_.on_rows(w0, w1, r0, r1 - 1);
      float* rows_out = out_ + int64_t{r0} * gd_.out_w * c_;
      depthwise_dense_rows(sub, d_.weights.data(), bias_or_null(d_), buffer_ + int64_t{w0 - base_} * gd_.in_w * c_, 0,
                           r1 - r0, rows_out);
      activate_rows(da_, rows_out, nullptr, int64_t{r1 - r0} * gd_.out_w, c_, nullptr, rows_out);
    }
  }

 private:
  // Makes expanded rows [w0, w1) present in the buffer: whole calls of the fast conv while they
  // fit the map, sgemm for the rest.
  void expand_rows(int w0, int w1) {
    const int64_t row = int64_t{gd_.in_w} * c_;
    if (base_ < 0 || w0 >= done_) base_ = done_ = w0;
    while (done_ < w1) {
      const bool fast = fast_.conv && done_ + fast_.rows <= gd_.in_h;
      const int next = fast ? done_ + fast_.rows : w1;
      if (next > base_ + capacity_) {  // slide rows [w0, done_) to the top
        std::memmove(buffer_, buffer_ + (w0 - base_) * row, sizeof(float) * size_t((done_ - w0) * row));
        base_ = w0;
      }
      const int cin = e_.geometry.cin;
      const float* src = x_ + int64_t{done_} * gd_.in_w * cin;
      float* dst = buffer_ + (done_ - base_) * row;
      if (fast) {
        fast_.conv->run(src, dst);
      } else {
        const int64_t pixels = int64_t{next - done_} * gd_.in_w;
        gemm_rows(e_, src, cin, int(pixels), dst, c_);
        activate_rows(ea_, dst, nullptr, pixels, c_, bias_or_null(e_), dst);
      }
      done_ = next;
    }
  }

  const PackedConv& e_;
  const kern::ActSpec& ea_;
  const PackedConv& d_;
  const kern::ActSpec& da_;
  const float* x_;
  float* out_;
  const ExpandRowsConv& fast_;
  const ConvGeometry& gd_;
  int c_;
  RowGroups groups_;
  int capacity_ = 0;
  int base_ = -1, done_ = -1;
  float* buffer_ = nullptr;
};

}  // namespace

void expand_depthwise_dense(const PackedConv& expand, const kern::ActSpec& expand_act,
                            const PackedConv& depthwise, const kern::ActSpec& depthwise_act, const float* x,
                            float* out, const ExpandRowsConv& fast) {
  const ConvGeometry& ge = expand.geometry;
  const ConvGeometry& gd = depthwise.geometry;
  if (!expand_depthwise_fits(ge, gd))
    throw std::invalid_argument("expand_depthwise_dense: not a pointwise conv feeding a depthwise conv");
  const int64_t flops = 2 * int64_t{gd.in_h} * gd.in_w * gd.cin * ge.cin +
                        2 * int64_t{gd.out_h} * gd.out_w * gd.cin * gd.kh * gd.kw;
  const int threads = std::max(1, std::min(threads_for_flops(flops), gd.out_h));
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    DenseWorker worker(expand, expand_act, depthwise, depthwise_act, x, out, fast);
    worker.run(gd.out_h * t / nt, gd.out_h * (t + 1) / nt);
  }
}

bool expand_depthwise_dense_pays(int64_t expanded_tensor_bytes) { return expanded_tensor_bytes >= (int64_t{16} << 20); }

bool expand_depthwise_recompute_pays(int64_t expanded_tensor_bytes) {
  return expanded_tensor_bytes >= (int64_t{7} << 20);
}

bool expand_depthwise_fits(const ConvGeometry& e, const ConvGeometry& d) {
  return is_pointwise_gemm(e) && is_depthwise(d) && e.cout == d.cin && e.out_h == d.in_h && e.out_w == d.in_w;
}

namespace {

// Both recompute entries: the pair (project null) or the whole block.
int recompute_block(const PackedConv& expand, const kern::ActSpec& expand_act, const PackedConv& depthwise,
                    const kern::ActSpec& depthwise_act, const PackedConv* project, const kern::ActSpec& project_act,
                    const float* x, const int32_t* cand, int n, float eps, float* out_map, uint8_t* fired,
                    const float* residual) {
  const ConvGeometry& ge = expand.geometry;
  const ConvGeometry& gd = depthwise.geometry;
  // Expand MACs at about the window's pixels plus the depthwise taps, per candidate.
  int64_t flops = 2 * int64_t{n} * gd.cin * (int64_t{ge.cin} * gd.stride_h * gd.stride_w + gd.kh * gd.kw);
  if (project) flops += 2 * int64_t{n} * gd.cin * project->geometry.cout;
  const int rows_with_work = cand[n - 1] / gd.out_w - cand[0] / gd.out_w + 1;
  const int threads = std::max(1, std::min(threads_for_flops(flops), rows_with_work));
  int total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    // Equal shares of candidates, each moved to a row boundary so no output row is split.
    auto boundary = [&](int k) {
      int i = int(int64_t{n} * k / nt);
      if (i <= 0 || i >= n) return std::clamp(i, 0, n);
      const int row = cand[i] / gd.out_w;
      while (i < n && cand[i] / gd.out_w == row && cand[i - 1] / gd.out_w == row) ++i;
      return i;
    };
    const int i0 = boundary(t), i1 = boundary(t + 1);
    if (i1 > i0) {
      Worker worker(expand, expand_act, depthwise, depthwise_act, project, project_act, x, eps, out_map, fired,
                    residual);
      total += worker.run(cand + i0, i1 - i0);
    }
  }
  return total;
}

}  // namespace

int expand_depthwise_recompute(const PackedConv& expand, const kern::ActSpec& expand_act,
                               const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                               const float* x, const int32_t* cand, int n, float eps, float* out_map,
                               uint8_t* fired) {
  if (!expand_depthwise_fits(expand.geometry, depthwise.geometry))
    throw std::invalid_argument("expand_depthwise_recompute: not a pointwise conv feeding a depthwise conv");
  if (n <= 0) return 0;
  require_output_pixels("expand_depthwise_recompute", depthwise.geometry, cand, n);
  return recompute_block(expand, expand_act, depthwise, depthwise_act, nullptr, kern::ActSpec{}, x, cand, n, eps,
                         out_map, fired, nullptr);
}

bool expand_depthwise_project_fits(const ConvGeometry& e, const ConvGeometry& d, const ConvGeometry& p) {
  return expand_depthwise_fits(e, d) && is_pointwise_gemm(p) && p.groups == 1 && p.cin == d.cout &&
         p.in_h == d.out_h && p.in_w == d.out_w;
}

bool expand_depthwise_project_pays(int64_t depthwise_output_bytes) {
  return depthwise_output_bytes >= (int64_t{6} << 20);
}

int expand_depthwise_project_recompute(const PackedConv& expand, const kern::ActSpec& expand_act,
                                       const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                                       const PackedConv& project, const kern::ActSpec& project_act, const float* x,
                                       const int32_t* cand, int n, float eps, float* out_map, uint8_t* fired,
                                       const float* residual) {
  if (!expand_depthwise_project_fits(expand.geometry, depthwise.geometry, project.geometry))
    throw std::invalid_argument(
        "expand_depthwise_project_recompute: not a pointwise conv feeding a depthwise conv feeding a 1x1 conv");
  if (n <= 0) return 0;
  require_output_pixels("expand_depthwise_project_recompute", project.geometry, cand, n);
  return recompute_block(expand, expand_act, depthwise, depthwise_act, &project, project_act, x, cand, n, eps,
                         out_map, fired, residual);
}

}  // namespace dcnn::cpu
