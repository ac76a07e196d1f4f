#!/usr/bin/python3
"""Convert the CNN part of a TF.js graph model (model.json + .bin shards) to ONNX (opset 13, NCHW).

Only the convolutional trunk up to the model's head tensors is converted; everything after the
heads (NMS, top-k, keypoint decoding) is post-processing that the C++ decoders reimplement.

The ONNX model has one float input `input` of fixed size [1,3,H,W] holding RGB pixels in
0..255 units (MoveNet keeps its in-graph x/127.5-1 as Mul/Sub by constants; CenterNet takes raw
pixels; PoseNet's graph has no normalisation, so its deployment YAML supplies mean/std 127.5 and
its ONNX input is the already normalised image). The outputs carry the head names the decoders
expect (see HEADS). Node names come from the TF node names minus wrapper prefixes, because
per-layer delta thresholds in the YAML files refer to them.

`--opencv` writes an OpenCV 4.6 compatible twin: Clip with min/max *attributes* (the opset < 11
form, the only one OpenCV 4.6 imports); onnx.checker rejects that form, so it is skipped there.

Run with Debian's interpreter (/usr/bin/python3) which sees python3-onnx and python3-numpy.
"""
import argparse
import hashlib
import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs_model import ConversionError, attr, load_weights  # noqa: E402

OPSET = 13

# Graph outputs per model kind: (ONNX output name, regex of the TF node that produces it).
# MoveNet heads are the raw logits of each head's last 1x1 conv (before any sigmoid).
HEADS = {
    'movenet_multipose': [
        ('kpt_heatmap', r'^StatefulPartitionedCall/kpt_heatmap_0/conv2d_\d+/BiasAdd$'),
        ('center', r'^StatefulPartitionedCall/center_0/conv2d_\d+/BiasAdd$'),
        ('kpt_regress', r'^StatefulPartitionedCall/kpt_regress_0/conv2d_\d+/BiasAdd$'),
        ('kpt_offset', r'^StatefulPartitionedCall/kpt_offset_0/conv2d_\d+/BiasAdd$'),
        ('box_scale', r'^StatefulPartitionedCall/box_scale_0/conv2d_\d+/BiasAdd$'),
        ('box_offset', r'^StatefulPartitionedCall/box_offset_0/conv2d_\d+/BiasAdd$'),
    ],
    'movenet_singlepose': [
        ('kpt_heatmap', r'^StatefulPartitionedCall/kpt_heatmap_0/conv2d_\d+/BiasAdd$'),
        ('center', r'^StatefulPartitionedCall/center_0/conv2d_\d+/BiasAdd$'),
        ('kpt_regress', r'^StatefulPartitionedCall/kpt_regress_0/conv2d_\d+/BiasAdd$'),
        ('kpt_offset', r'^StatefulPartitionedCall/kpt_offset_0/conv2d_\d+/BiasAdd$'),
    ],
    'posenet': [
        ('heatmap', r'^MobilenetV1/heatmap_2/BiasAdd$'),
        ('offset', r'^MobilenetV1/offset_2/BiasAdd$'),
        ('displacement_fwd', r'^MobilenetV1/displacement_fwd_2/BiasAdd$'),
        ('displacement_bwd', r'^MobilenetV1/displacement_bwd_2/BiasAdd$'),
    ],
    'centernet': [
        ('keypoints', r'^tower_0/keypoints$'),  # class heatmap, sigmoid included
        ('wh', r'^tower_0/wh$'),                # 4 box distances, already x16
    ],
}

# Wrapper scopes that only make names long; removed to get the ONNX node names.
NAME_PREFIXES = [
    'StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/',
    'StatefulPartitionedCall/',
    'tower_0/',
    'MobilenetV1/MobilenetV1/',
]

def detect_kind(nodes):
    names = {n['name'] for n in nodes}
    if 'tower_0/images' in names:
        return 'centernet'
    if any(n.startswith('MobilenetV1/') for n in names):
        return 'posenet'
    if any(n.startswith('StatefulPartitionedCall/box_scale_0/') for n in names):
        return 'movenet_multipose'
    if any(n.startswith('StatefulPartitionedCall/kpt_heatmap_0/') for n in names):
        return 'movenet_singlepose'
    raise ConversionError('cannot detect the model kind from the graph; pass --kind '
                          f'({", ".join(HEADS)})')


def short_name(tf_name):
    for prefix in NAME_PREFIXES:
        if tf_name.startswith(prefix):
            return tf_name[len(prefix):]
    return tf_name


# ----------------------------------------------------------------------------- values
class Tensor:
    """A feature map in the ONNX graph. shape is NHWC; rank < 4 only transiently between the
    batch-dimension Unpack/Squeeze/ExpandDims no-ops some graphs wrap the input in."""

    def __init__(self, onnx_name, shape, rank=4):
        self.name, self.shape, self.rank = onnx_name, list(shape), rank


def same_pads(size, k, stride, dilation):
    """TF SAME rule: out = ceil(in/s); the odd pixel of padding goes to the bottom/right."""
    k_eff = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + k_eff - size, 0)
    return total // 2, total - total // 2, out


def nchw_const(value, nhwc_rank):
    """Lay a constant that broadcasts against an NHWC tensor out for the NCHW twin."""
    value = np.asarray(value, np.float32)
    if value.size == 1:
        return value.reshape([])
    if value.ndim > nhwc_rank:
        raise ConversionError(f'constant of shape {value.shape} is wider than its tensor')
    value = value.reshape([1] * (4 - value.ndim) + list(value.shape))
    return np.ascontiguousarray(value.transpose(0, 3, 1, 2))


# ----------------------------------------------------------------------------- converter
class Converter:
    def __init__(self, model_json, weights, height, width, opencv):
        self.nodes = {n['name']: n for n in model_json['modelTopology']['node']}
        self.weights = weights
        self.height, self.width, self.opencv = height, width, opencv
        self.values = {}            # TF node name -> Tensor or numpy constant
        self.onnx_nodes, self.initializers = [], []
        self.used_names = set()
        self.relu6_bounds = []

    # -- bookkeeping
    def unique(self, name):
        base, i = name, 1
        while name in self.used_names:
            i += 1
            name = f'{base}_{i}'
        self.used_names.add(name)
        return name

    def init(self, name, array, dtype=np.float32):
        name = self.unique(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype), name))
        return name

    def emit(self, op, name, inputs, **attrs):
        name = self.unique(name)
        self.onnx_nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def input_names(self, node):
        return [i.split(':')[0] for i in node.get('input', []) if not i.startswith('^')]

    def input_value(self, node, index):
        names = self.input_names(node)
        if index >= len(names):
            raise ConversionError(f"node {node['name']} ({node['op']}): input {index} is missing "
                                  f'(the node has {len(names)} input(s))')
        return self.values[names[index]]

    def tensor(self, node, index):
        v = self.input_value(node, index)
        if not isinstance(v, Tensor):
            raise ConversionError(f"node {node['name']} ({node['op']}): input {index} must be a "
                                  'feature map, got a constant')
        if v.rank != 4:
            raise ConversionError(f"node {node['name']} ({node['op']}): input {index} has rank "
                                  f'{v.rank}, expected a 4-D NHWC feature map')
        return v

    def const(self, node, index):
        v = self.input_value(node, index)
        if isinstance(v, Tensor):
            raise ConversionError(f"node {node['name']} ({node['op']}): input {index} must be a "
                                  'constant (only static shapes are supported)')
        return v

    # -- traversal
    def convert(self, heads):
        order = self.topological_order([tf for _, tf in heads])
        for name in order:
            node = self.nodes[name]
            handler = getattr(self, 'op_' + node['op'].lstrip('_'), None)
            if handler is None:
                raise ConversionError(f"node {name}: TF op {node['op']} is not supported by "
                                      'the converter (it supports the CNN ops of MoveNet, PoseNet '
                                      'and CenterNet up to their heads)')
            try:
                self.values[name] = handler(node)
            except ConversionError:
                raise
            except KeyError as e:  # a missing attribute entry or input
                raise ConversionError(f"node {name} ({node['op']}): malformed node: missing "
                                      f'key {e}') from None
            except (IndexError, TypeError, ValueError) as e:  # shapes or attributes out of line
                raise ConversionError(f"node {name} ({node['op']}): malformed node: "
                                      f'{type(e).__name__}: {e}') from None
        return [self.bind_output(out, tf) for out, tf in heads]

    def topological_order(self, targets):
        order, state = [], {}
        stack = [(t, False) for t in reversed(targets)]
        while stack:
            name, done = stack.pop()
            if done:
                state[name] = 2
                order.append(name)
                continue
            if state.get(name):
                continue
            if name not in self.nodes:
                raise ConversionError(f'node {name} is referenced but not defined in the graph')
            state[name] = 1
            stack.append((name, True))
            for dep in reversed(self.input_names(self.nodes[name])):
                if not state.get(dep):
                    stack.append((dep, False))
        return order

    def bind_output(self, out_name, tf_name):
        """Rename the tensor behind a head to the decoder's output name."""
        value = self.values[tf_name]
        if not isinstance(value, Tensor) or value.rank != 4:
            raise ConversionError(f'head {out_name} ({tf_name}) is not a 4-D feature map')
        old = value.name
        for n in self.onnx_nodes:
            n.output[:] = [out_name if o == old else o for o in n.output]
            n.input[:] = [out_name if i == old else i for i in n.input]
        value.name = out_name
        n, h, w, c = value.shape
        return helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [n, c, h, w])

    # -- sources and no-ops
    def op_Placeholder(self, node):
        return Tensor('input', [1, self.height, self.width, 3])

    def op_Const(self, node):
        if node['name'] not in self.weights:
            raise ConversionError(f"Const {node['name']} has no entry in the weights manifest")
        return self.weights[node['name']]

    def op_Identity(self, node):
        return self.values[self.input_names(node)[0]]

    def op_Cast(self, node):
        v = self.values[self.input_names(node)[0]]
        if isinstance(v, Tensor):
            return v  # the int32 pixel input becomes a float input; values are identical
        return v.astype(np.float32 if attr(node, 'DstT') == 'DT_FLOAT' else np.int32)

    def op_Unpack(self, node):
        v = self.values[self.input_names(node)[0]]
        if attr(node, 'axis', 0) != 0 or attr(node, 'num', 1) != 1:
            raise ConversionError(f"node {node['name']} (Unpack): only axis 0 with num 1 "
                                  '(dropping the batch) is supported')
        return Tensor(v.name, v.shape, v.rank - 1) if isinstance(v, Tensor) else v[0]

    def op_Squeeze(self, node):
        v = self.values[self.input_names(node)[0]]
        if attr(node, 'squeeze_dims', []) != [0]:
            raise ConversionError(f"node {node['name']} (Squeeze): only squeeze_dims [0] is "
                                  'supported')
        return Tensor(v.name, v.shape, v.rank - 1) if isinstance(v, Tensor) else v[0]

    def op_ExpandDims(self, node):
        v = self.values[self.input_names(node)[0]]
        axis = int(np.asarray(self.const(node, 1)).reshape(-1)[0])
        if isinstance(v, Tensor):
            if axis != 0:
                raise ConversionError(f"node {node['name']} (ExpandDims): only axis 0 is "
                                      'supported on feature maps')
            return Tensor(v.name, v.shape, v.rank + 1)
        return np.expand_dims(v, axis)

    # -- shape arithmetic (folded to constants: the output size is fixed)
    def op_Shape(self, node):
        v = self.values[self.input_names(node)[0]]
        if not isinstance(v, Tensor):
            return np.array(np.shape(v), np.int32)
        return np.array(v.shape[4 - v.rank:], np.int32)

    def op_StridedSlice(self, node):
        data, begin, end, strides = (self.const(node, i) for i in range(4))
        if attr(node, 'ellipsis_mask', 0) or attr(node, 'new_axis_mask', 0):
            raise ConversionError(f"node {node['name']} (StridedSlice): ellipsis/new_axis masks "
                                  'are not supported')
        slices, shrink = [], attr(node, 'shrink_axis_mask', 0)
        for d, (b, e, s) in enumerate(zip(begin, end, strides)):
            b = None if attr(node, 'begin_mask', 0) >> d & 1 else int(b)
            e = None if attr(node, 'end_mask', 0) >> d & 1 else int(e)
            slices.append(int(b) if shrink >> d & 1 else slice(b, e, int(s)))
        return np.asarray(data)[tuple(slices)]

    # -- elementwise
    def binary(self, node, onnx_op, fold):
        names = self.input_names(node)
        a, b = self.values[names[0]], self.values[names[1]]
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            return fold(np.asarray(a), np.asarray(b))
        name = short_name(node['name'])
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            shape = self.broadcast(node, a.shape, b.shape)
            return Tensor(self.emit(onnx_op, name, [a.name, b.name]), shape)
        t, c = (a, b) if isinstance(a, Tensor) else (b, a)
        if self.is_identity(onnx_op, c, t is a):
            return t
        shape = self.broadcast(node, t.shape, np.shape(c))
        cname = self.init(name + '/const', nchw_const(c, t.rank))
        ins = [t.name, cname] if t is a else [cname, t.name]
        return Tensor(self.emit(onnx_op, name, ins), shape)

    @staticmethod
    def broadcast(node, shape_a, shape_b):
        """numpy broadcasting of BOTH operands (an SE gate [1,1,1,C] times a map [1,H,W,C] is
        [1,H,W,C] whichever side the gate is on)."""
        try:
            return list(np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))
        except ValueError:
            raise ConversionError(f"node {node['name']} ({node['op']}): operand shapes "
                                  f'{list(shape_a)} and {list(shape_b)} (NHWC) do not broadcast; '
                                  'is the input size a multiple of 32?') from None

    @staticmethod
    def is_identity(onnx_op, c, tensor_first):
        """x - 0, x + 0 and x * 1 are dropped (MoveNet subtracts a zero mean)."""
        c = np.asarray(c)
        if onnx_op in ('Add',) or (onnx_op == 'Sub' and tensor_first):
            return bool(np.all(c == 0))
        if onnx_op == 'Mul':
            return bool(np.all(c == 1))
        return False

    def op_Add(self, node):
        return self.binary(node, 'Add', np.add)

    op_AddV2 = op_Add

    def op_Sub(self, node):
        return self.binary(node, 'Sub', np.subtract)

    def op_Mul(self, node):
        return self.binary(node, 'Mul', np.multiply)

    def op_RealDiv(self, node):
        return self.binary(node, 'Div', np.divide)

    def activation(self, kind, name, x):
        if kind == 'Relu':
            return self.emit('Relu', name, [x])
        if kind == 'Relu6':
            if self.opencv:
                return self.emit('Clip', name, [x], min=0.0, max=6.0)
            if not self.relu6_bounds:  # one shared pair of scalar initializers
                self.relu6_bounds = [self.init('relu6/min', np.float32(0)),
                                     self.init('relu6/max', np.float32(6))]
            return self.emit('Clip', name, [x] + self.relu6_bounds)
        if kind == 'Sigmoid':
            return self.emit('Sigmoid', name, [x])
        raise ConversionError(f'activation {kind} at {name} is not supported')

    def unary(self, node):
        x = self.tensor(node, 0)
        return Tensor(self.activation(node['op'], short_name(node['name']), x.name), x.shape)

    op_Relu = op_Relu6 = op_Sigmoid = unary

    # -- convolutions
    def conv(self, node, depthwise):
        name = short_name(node['name'])
        x, w = self.tensor(node, 0), np.asarray(self.const(node, 1), np.float32)
        if attr(node, 'data_format', 'NHWC') != 'NHWC':
            raise ConversionError(f"node {node['name']}: only NHWC data_format is supported")
        _, sh, sw, _ = attr(node, 'strides', [1, 1, 1, 1])
        _, dh, dw, _ = attr(node, 'dilations', [1, 1, 1, 1])
        kh, kw = w.shape[0], w.shape[1]
        if w.shape[2] != x.shape[3]:
            raise ConversionError(f"node {node['name']}: weights expect {w.shape[2]} input "
                                  f'channels, the input has {x.shape[3]}')
        pads, out_hw = self.conv_pads(node, x.shape[1:3], (kh, kw), (sh, sw), (dh, dw))
        if depthwise:  # [kh,kw,C,m] -> [C*m,1,kh,kw]; TF orders output channels c*m + j
            cout, group = w.shape[2] * w.shape[3], w.shape[2]
            w_onnx = w.transpose(2, 3, 0, 1).reshape(cout, 1, kh, kw)
        else:          # HWIO -> OIHW
            cout, group = w.shape[3], 1
            w_onnx = w.transpose(3, 2, 0, 1)
        fused = attr(node, 'fused_ops', [])
        act = self.check_fused(node, fused)
        ins = [x.name, self.init(name + '/weights', w_onnx)]
        if fused:
            ins.append(self.init(name + '/bias', np.asarray(self.const(node, 2), np.float32)))
        y = self.emit('Conv', name, ins, kernel_shape=[kh, kw], strides=[sh, sw],
                      dilations=[dh, dw], pads=pads, group=group)
        if act is not None:
            y = self.activation(act, name + '/act', y)
        return Tensor(y, [1, out_hw[0], out_hw[1], cout])

    def conv_pads(self, node, in_hw, k, s, d):
        padding = attr(node, 'padding')
        if padding == 'SAME':
            (t, b, oh), (l, r, ow) = (same_pads(in_hw[i], k[i], s[i], d[i]) for i in range(2))
            return [t, l, b, r], (oh, ow)
        if padding == 'VALID':
            return [0, 0, 0, 0], tuple((in_hw[i] - (k[i] - 1) * d[i] - 1) // s[i] + 1
                                       for i in range(2))
        if padding == 'EXPLICIT':
            p = attr(node, 'explicit_paddings')  # NHWC pairs
            t, b, l, r = p[2], p[3], p[4], p[5]
            return [t, l, b, r], tuple((in_hw[i] + (t, l)[i] + (b, r)[i] - (k[i] - 1) * d[i] - 1)
                                       // s[i] + 1 for i in range(2))
        raise ConversionError(f"node {node['name']}: padding {padding!r} is not supported")

    @staticmethod
    def check_fused(node, fused):
        if fused and fused[0] != 'BiasAdd' or len(fused) > 2 or \
                (len(fused) == 2 and fused[1] not in ('Relu', 'Relu6')):
            raise ConversionError(f"node {node['name']}: fused ops {fused} are not supported "
                                  '(expected BiasAdd, optionally followed by Relu or Relu6)')
        return fused[1] if len(fused) == 2 else None

    def op_FusedConv2D(self, node):
        return self.conv(node, depthwise=False)

    def op_Conv2D(self, node):
        return self.conv(node, depthwise=False)

    def op_FusedDepthwiseConv2dNative(self, node):
        return self.conv(node, depthwise=True)

    def op_DepthwiseConv2dNative(self, node):
        return self.conv(node, depthwise=True)

    # -- spatial / structural
    def op_ResizeBilinear(self, node):
        x = self.tensor(node, 0)
        out_h, out_w = (int(v) for v in np.asarray(self.const(node, 1)).reshape(-1))
        if attr(node, 'align_corners', False):
            mode = 'align_corners'
        elif attr(node, 'half_pixel_centers', False):
            mode = 'half_pixel'
        else:
            mode = 'asymmetric'  # legacy TF: in = out * in_size / out_size
        scales = [1.0, 1.0, out_h / x.shape[1], out_w / x.shape[2]]
        if int(x.shape[1] * scales[2]) != out_h or int(x.shape[2] * scales[3]) != out_w:
            raise ConversionError(f"node {node['name']}: size {out_h}x{out_w} is not an exact "
                                  f'scale of {x.shape[1]}x{x.shape[2]}')
        name = short_name(node['name'])
        roi = self.init(name + '/roi', np.zeros([0]))
        y = self.emit('Resize', name, [x.name, roi, self.init(name + '/scales', scales)],
                      mode='linear', coordinate_transformation_mode=mode)
        return Tensor(y, [1, out_h, out_w, x.shape[3]])

    def op_ConcatV2(self, node):
        names = self.input_names(node)
        axis = int(np.asarray(self.values[names[-1]]).reshape(-1)[0])
        if axis not in (3, -1):
            raise ConversionError(f"node {node['name']} (ConcatV2): only channel concat "
                                  f'(axis 3) is supported, got axis {axis}')
        parts = [self.tensor(node, i) for i in range(len(names) - 1)]
        if any(p.shape[1:3] != parts[0].shape[1:3] for p in parts):
            raise ConversionError(f"node {node['name']} (ConcatV2): inputs differ in H x W")
        y = self.emit('Concat', short_name(node['name']), [p.name for p in parts], axis=1)
        return Tensor(y, parts[0].shape[:3] + [sum(p.shape[3] for p in parts)])

    def op_Mean(self, node):
        x = self.tensor(node, 0)
        axes = sorted(int(a) % 4 for a in np.asarray(self.const(node, 1)).reshape(-1))
        if axes != [1, 2] or not attr(node, 'keep_dims', False):
            raise ConversionError(f"node {node['name']} (Mean): only the spatial mean over axes "
                                  f'[1,2] with keep_dims is supported, got {axes}')
        y = self.emit('GlobalAveragePool', short_name(node['name']), [x.name])
        return Tensor(y, [1, 1, 1, x.shape[3]])


# ----------------------------------------------------------------------------- entry point
def build_model(model_path, height, width, kind=None, opencv=False):
    with open(model_path) as f:
        model_json = json.load(f)
    if not isinstance(model_json, dict):
        raise ConversionError('not a TF.js model.json: expected a JSON object at the top level, '
                              f'got a {type(model_json).__name__}')
    topology = model_json.get('modelTopology')
    if not isinstance(topology, dict) or not isinstance(topology.get('node'), list) or \
            not all(isinstance(n, dict) and isinstance(n.get('name'), str) and
                    isinstance(n.get('op'), str) for n in topology['node']):
        raise ConversionError('not a TF.js graph model: expected modelTopology.node, a list of '
                              'nodes with a name and an op')
    if not isinstance(model_json.get('weightsManifest'), list):
        raise ConversionError('not a TF.js graph model: expected a weightsManifest list')
    nodes = topology['node']
    kind = kind or detect_kind(nodes)
    if kind not in HEADS:
        raise ConversionError(f'unknown --kind {kind}; expected one of {", ".join(HEADS)}')
    names = [n['name'] for n in nodes]
    heads = []
    for out, pattern in HEADS[kind]:
        found = [n for n in names if re.match(pattern, n)]
        if len(found) != 1:
            raise ConversionError(f'head {out} expects exactly one node matching '
                                  f'{pattern}, found {found or "none"}')
        heads.append((out, found[0]))
    conv = Converter(model_json, load_weights(model_json, os.path.dirname(model_path)),
                     height, width, opencv)
    outputs = conv.convert(heads)
    graph = helper.make_graph(
        conv.onnx_nodes, f'{kind}_{height}x{width}',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, height, width])],
        outputs, conv.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)],
                              producer_name='deltacnn-tfjs2onnx', producer_version='1')
    with open(model_path, 'rb') as f:
        source_sha = hashlib.sha256(f.read()).hexdigest()
    helper.set_model_props(model, {'kind': kind, 'source': os.path.basename(model_path),
                                   'source_sha256': source_sha,
                                   'opencv_compatible': str(opencv).lower()})
    if not opencv:
        onnx.checker.check_model(model, full_check=True)
    return model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', required=True, help='TF.js model.json (shards next to it)')
    p.add_argument('--height', type=int, required=True)
    p.add_argument('--width', type=int, required=True)
    p.add_argument('--out', required=True, help='ONNX file to write')
    p.add_argument('--kind', choices=sorted(HEADS), help='model kind (detected when omitted)')
    p.add_argument('--opencv', action='store_true',
                   help='OpenCV 4.6 compatible output (Clip attributes, no checker)')
    args = p.parse_args(argv)
    if args.height <= 0 or args.width <= 0:
        p.error(f'--height/--width must be positive, got {args.height}x{args.width}')
    # Before the conversion: a wrong --out is a usage error, not a traceback after the work.
    out_dir = os.path.dirname(args.out) or '.'
    if os.path.isdir(args.out):
        p.error(f'--out {args.out} is a directory; name the .onnx file to write')
    if not os.path.isdir(out_dir):
        p.error(f'--out {args.out}: directory {out_dir} does not exist')
    try:
        model = build_model(args.model, args.height, args.width, args.kind, args.opencv)
    except KeyError as e:
        print(f'tfjs2onnx: {args.model}: malformed TF.js model: missing key {e}', file=sys.stderr)
        return 1
    except (ConversionError, onnx.checker.ValidationError, OSError, ValueError) as e:
        # ValueError covers json.JSONDecodeError and inconsistent tensor shapes
        print(f'tfjs2onnx: {args.model}: {e}', file=sys.stderr)
        return 1
    tmp = args.out + '.tmp'
    try:
        onnx.save(model, tmp)
        os.replace(tmp, args.out)  # never leave a half-written model behind
    except (OSError, ValueError) as e:
        print(f'tfjs2onnx: cannot write {args.out}: {e}', file=sys.stderr)
        return 1
    finally:
        if os.path.exists(tmp):  # any failure (also Ctrl-C): no stale half-written .tmp
            os.remove(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
