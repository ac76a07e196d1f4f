#!/usr/bin/python3
"""Writes the seed corpus of the pre-processing fuzzer (tests/fuzz/corpus/preprocess/).

One small frame header per pixel format, in the layout fuzz_preprocess.cpp documents, with odd
sizes, odd stride paddings, both resize modes and colour orders, plus a validation-only case
(negative stride). Pixel data is a short ramp that the harness repeats.
    /usr/bin/python3 tests/fuzz/make_preprocess_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "preprocess")
FORMATS = ["RGB", "BGR", "RGBx", "BGRx", "RGBA", "BGRA", "I420", "NV12"]
BGR, LETTERBOX, VALIDATION_ONLY = 1, 2, 4


def header(fmt, flags, frame_w, frame_h, pads, model_w, model_h, pad_value):
    # Sizes are stored as (size - 1): the harness reads 1 + u16 % range.
    return (struct.pack("<BB", FORMATS.index(fmt), flags) +
            struct.pack("<HH", frame_w - 1, frame_h - 1) + bytes(pads) +
            struct.pack("<HH", model_w - 1, model_h - 1) + bytes([pad_value]))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
ramp = bytes(range(0, 256, 7))
cases = [
    ("rgb_same_size", "RGB", 0, 16, 12, (0, 0, 0), 16, 12),
    ("bgr_odd_stride_letterbox", "BGR", LETTERBOX, 17, 9, (5, 0, 0), 32, 32),
    ("rgbx_to_bgr_downscale", "RGBx", BGR, 40, 30, (3, 0, 0), 8, 8),
    ("bgrx_letterbox_tall", "BGRx", LETTERBOX | BGR, 5, 33, (0, 0, 0), 24, 16),
    ("rgba_one_pixel", "RGBA", LETTERBOX, 1, 1, (1, 0, 0), 7, 5),
    ("bgra_wide_strip", "BGRA", 0, 300, 1, (13, 0, 0), 32, 4),
    ("i420_odd_size", "I420", 0, 15, 11, (1, 3, 2), 16, 16),
    ("i420_letterbox_bgr", "I420", LETTERBOX | BGR, 8, 6, (0, 0, 0), 12, 12),
    ("nv12_odd_size_letterbox", "NV12", LETTERBOX, 21, 7, (2, 1, 0), 16, 16),
    ("nv12_one_column", "NV12", 0, 1, 9, (0, 0, 0), 3, 3),
]
for name, fmt, flags, fw, fh, pads, mw, mh in cases:
    write(name, header(fmt, flags, fw, fh, pads, mw, mh, 114) + ramp)

# Validation only: raw int32 width, height and three strides after the header.
# (A 2^30-wide RGBx view is tests/fuzz/regressions/preprocess/huge-width-row-size-overflow.)
write("validate_negative_stride", header("NV12", VALIDATION_ONLY, 1, 1, (0, 0, 0), 8, 8, 0) +
      struct.pack("<iiiii", 33, 17, 40, -1, 0))
print("wrote", len(os.listdir(OUT)), "seeds to", OUT)
