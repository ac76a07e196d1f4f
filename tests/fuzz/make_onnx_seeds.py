#!/usr/bin/python3
"""Writes the seed corpus of the ONNX importer's fuzzer (tests/fuzz/corpus/onnx_import/).

Tiny valid models, one per family of ops the importer translates, so that libFuzzer starts from
inputs that get past the protobuf parse and reach every translator, the constant folding (shape
arithmetic as PyTorch exports it), shape inference and the graph passes (BatchNorm folding,
activation fusion, the HardSwish patterns, scale folding, dead-node removal). Inputs are 8x8 or
smaller and weights a handful of values: each seed is a few hundred bytes, so mutations stay fast.

Deterministic (fixed seed, no producer version): re-running rewrites the same bytes.
    /usr/bin/python3 tests/fuzz/make_onnx_seeds.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "onnx_import")
rng = np.random.default_rng(14)


def w(name, *dims):
    return numpy_helper.from_array(rng.uniform(-1, 1, dims).astype(np.float32), name)


def i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def f32(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def save(name, nodes, inits, in_shape=(1, 3, 8, 8), outputs=("y",), opset=13):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="deltacnn-fuzz-seed")
    # No onnx.checker: it insists on output shapes, which exporters often leave out (and the
    # importer infers). The replay test imports every seed; each must import cleanly.
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def n(op, inputs, outputs, name="", **attrs):
    return helper.make_node(op, inputs, outputs, name=name, **attrs)


os.makedirs(OUT, exist_ok=True)

# Conv + BatchNorm + Relu: BN folding and activation fusion.
save("conv_bn_relu", [
    n("Conv", ["x", "w", "b"], ["c"], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
    n("BatchNormalization", ["c", "s", "sh", "m", "v"], ["bn"], "bn1", epsilon=1e-3),
    n("Relu", ["bn"], ["y"], "relu1"),
], [w("w", 4, 3, 3, 3), w("b", 4), f32("s", [1, 2, 0.5, 1]), f32("sh", [0, 1, 0, -1]),
    f32("m", [0, 0.1, 0, 0]), f32("v", [1, 1, 2, 1])])

# Depthwise conv with auto_pad and dilation, Clip as attributes (opset 6) = ReLU6.
save("depthwise_clip", [
    n("Conv", ["x", "w"], ["c"], "dw", kernel_shape=[3, 3], group=3, auto_pad="SAME_UPPER",
      dilations=[2, 2]),
    n("Clip", ["c"], ["y"], "relu6", min=0.0, max=6.0),
], [w("w", 3, 1, 3, 3)], opset=10)

# HardSwish written out: x * clip(x + 3, 0, 6) / 6 (Clip bounds as inputs, opset 13).
save("hardswish_pattern", [
    n("Conv", ["x", "w"], ["c"], "pw", kernel_shape=[1, 1]),
    n("Add", ["c", "three"], ["a"]),
    n("Clip", ["a", "zero", "six"], ["cl"]),
    n("Mul", ["c", "cl"], ["m"]),
    n("Div", ["m", "six"], ["y"]),
], [w("w", 4, 3, 1, 1), f32("three", 3.0), f32("zero", 0.0), f32("six", 6.0)])

# HardSigmoid, LeakyRelu, Sigmoid, HardSwish op, Sub with a per-channel constant.
save("activations", [
    n("HardSigmoid", ["x"], ["h"], alpha=1.0 / 6, beta=0.5),
    n("Mul", ["x", "h"], ["hs"]),
    n("LeakyRelu", ["hs"], ["l"], alpha=0.1),
    n("Sigmoid", ["l"], ["s"]),
    n("Sub", ["s", "k"], ["d"]),
    n("HardSwish", ["d"], ["y"]),
], [f32("k", np.array([0.5, 0.25, 0.125]).reshape(1, 3, 1, 1))], opset=14)

# Squeeze-excite: GlobalAveragePool -> 1x1 convs -> Sigmoid gate -> Mul; plus ReduceMean.
save("squeeze_excite", [
    n("GlobalAveragePool", ["x"], ["g"]),
    n("Conv", ["g", "w1", "b1"], ["g1"], kernel_shape=[1, 1]),
    n("Relu", ["g1"], ["g2"]),
    n("Conv", ["g2", "w2", "b2"], ["g3"], kernel_shape=[1, 1]),
    n("Sigmoid", ["g3"], ["gate"]),
    n("Mul", ["x", "gate"], ["se"]),
    n("ReduceMean", ["se"], ["y"], axes=[2, 3], keepdims=1),
], [w("w1", 2, 3, 1, 1), w("b1", 2), w("w2", 3, 2, 1, 1), w("b2", 3)])

# Residual Add, Concat, Max/Average pools with ceil_mode and padding.
save("pool_concat_add", [
    n("MaxPool", ["x"], ["mp"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    n("AveragePool", ["x"], ["ap"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1,
      count_include_pad=0),
    n("Add", ["mp", "ap"], ["s"]),
    n("Concat", ["s", "mp"], ["y"], axis=1),
], [])

# ConvTranspose (stride 2, output_padding) then Resize by scales (nearest, asymmetric).
save("deconv_resize", [
    n("ConvTranspose", ["x", "w", "b"], ["t"], kernel_shape=[3, 3], strides=[2, 2],
      pads=[1, 1, 1, 1], output_padding=[1, 1]),
    n("Resize", ["t", "", "scales"], ["y"], mode="nearest",
      coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
], [w("w", 3, 2, 3, 3), w("b", 2), f32("scales", [1, 1, 2, 2])])

# Resize to sizes computed by shape arithmetic, as PyTorch exports it:
# Shape -> Gather -> Mul -> Cast -> Unsqueeze -> Concat -> Resize(sizes), bilinear.
save("resize_shape_arith", [
    n("Shape", ["x"], ["sh"]),
    n("Gather", ["sh", "idx"], ["hw"], axis=0),
    n("Mul", ["hw", "two"], ["hw2"]),
    n("Slice", ["sh", "st", "en"], ["nc"]),
    n("Concat", ["nc", "hw2"], ["sizes"], axis=0),
    n("Resize", ["x", "", "", "sizes"], ["y"], mode="linear",
      coordinate_transformation_mode="half_pixel"),
], [i64("idx", [2, 3]), i64("two", [2]), i64("st", [0]), i64("en", [2])])

# Opset 9 Upsample with a scales input; Identity and Dropout pass-throughs.
save("upsample_identity", [
    n("Identity", ["x"], ["i"]),
    n("Dropout", ["i"], ["d"], ratio=0.5),
    n("Upsample", ["d", "scales"], ["y"], mode="nearest"),
], [f32("scales", [1, 1, 2, 2])], opset=9)

# Constants as nodes: Constant, ConstantOfShape, Unsqueeze/Squeeze/Reshape/Cast/Floor folding,
# and a per-channel scale that folds forward into the next conv.
save("constant_folding", [
    n("Constant", [], ["cshape"], value=helper.make_tensor("v", TensorProto.INT64, [1], [3])),
    n("ConstantOfShape", ["cshape"], ["ones"],
      value=helper.make_tensor("one", TensorProto.FLOAT, [1], [1.5])),
    n("Floor", ["ones"], ["fl"]),
    n("Unsqueeze", ["fl", "ax0"], ["u"]),
    n("Reshape", ["u", "shape4"], ["scale"]),
    n("Mul", ["x", "scale"], ["xs"]),
    n("Conv", ["xs", "w"], ["y"], kernel_shape=[1, 1]),
], [i64("ax0", [0]), i64("shape4", [1, 3, 1, 1]), w("w", 2, 3, 1, 1)])

# Two outputs, an Identity output, dead branch that the passes remove, dynamic H/W input.
save("two_heads_dead_branch", [
    n("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1]),
    n("Relu", ["c"], ["heat"]),
    n("Sigmoid", ["c"], ["unused"]),
    n("Identity", ["heat"], ["y"]),
    n("Conv", ["x", "w"], ["off"], kernel_shape=[1, 1]),
], [w("w", 2, 3, 1, 1)], outputs=("y", "off"))

print("wrote", len([f for f in os.listdir(OUT) if f.endswith(".onnx")]), "seeds to", OUT)
