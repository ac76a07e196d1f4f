#!/usr/bin/python3
"""Tests of tools/tfjs2onnx.py on the real PoseNet TF.js model (fetched by ./scripts/setup.sh
into the cache): plain mode passes onnx.checker, the OpenCV twin has attribute-form Clip, node
names come from TF names, and bad input (unknown op, short weight shard, a model.json that is
not an object, a node short of inputs, a malformed weight entry, an --out that cannot be
written) is reported clearly: one line naming the node, weight or path, no traceback, and no
half-written OUT.tmp left behind."""
import json
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

import numpy as np
import onnx

SOURCE_ROOT = os.environ.get('DELTACNN_SOURCE_ROOT',
                             os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
CACHE = os.environ.get('DELTACNN_CACHE', os.path.expanduser('~/.cache/deltacnn'))
POSENET_JSON = os.path.join(CACHE, 'human-models-3.0.4', 'posenet.json')

sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tools'))
import tfjs2onnx  # noqa: E402
import tfjs_model  # noqa: E402


class ConverterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(POSENET_JSON):
            raise AssertionError(f'{POSENET_JSON} is missing: run ./scripts/setup.sh')
        cls.tmp = tempfile.mkdtemp(prefix='tfjs2onnx-test-')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def convert(self, *extra, model=POSENET_JSON):
        out = os.path.join(self.tmp, 'out.onnx')
        rc = tfjs2onnx.main(['--model', model, '--height', '385', '--width', '385',
                             '--out', out, *extra])
        return rc, out

    def test_plain_mode_passes_checker(self):
        rc, out = self.convert()
        self.assertEqual(rc, 0)
        model = onnx.load(out)
        onnx.checker.check_model(model, full_check=True)
        self.assertEqual(model.opset_import[0].version, 13)
        inp = model.graph.input[0]
        self.assertEqual(inp.name, 'input')
        self.assertEqual([d.dim_value for d in inp.type.tensor_type.shape.dim], [1, 3, 385, 385])
        outputs = {o.name: [d.dim_value for d in o.type.tensor_type.shape.dim]
                   for o in model.graph.output}
        self.assertEqual(outputs, {'heatmap': [1, 17, 25, 25], 'offset': [1, 34, 25, 25],
                                   'displacement_fwd': [1, 32, 25, 25],
                                   'displacement_bwd': [1, 32, 25, 25]})
        ops = [n.op_type for n in model.graph.node]
        self.assertEqual(ops.count('Conv'), 31)
        for clip in (n for n in model.graph.node if n.op_type == 'Clip'):
            self.assertEqual(len(clip.input), 3, 'opset-13 Clip takes min/max as inputs')
        names = [n.name for n in model.graph.node]
        self.assertEqual(len(names), len(set(names)), 'node names must be unique')
        self.assertIn('Conv2d_0/Relu6', names)  # derived from MobilenetV1/MobilenetV1/Conv2d_0/Relu6

    def test_opencv_mode_uses_clip_attributes(self):
        rc, out = self.convert('--opencv')
        self.assertEqual(rc, 0)
        clips = [n for n in onnx.load(out).graph.node if n.op_type == 'Clip']
        self.assertEqual(len(clips), 27)
        for clip in clips:
            self.assertEqual(len(clip.input), 1)
            attrs = {a.name: a.f for a in clip.attribute}
            self.assertEqual(attrs, {'min': 0.0, 'max': 6.0})

    def test_same_padding_rule(self):
        # TF SAME: odd padding pixel at the bottom/right; stride-2 3x3 on an even size = (0, 1).
        self.assertEqual(tfjs2onnx.same_pads(576, 3, 2, 1), (0, 1, 288))
        self.assertEqual(tfjs2onnx.same_pads(385, 3, 2, 1), (1, 1, 193))
        self.assertEqual(tfjs2onnx.same_pads(128, 5, 1, 1), (2, 2, 128))
        self.assertEqual(tfjs2onnx.same_pads(7, 1, 1, 1), (0, 0, 7))

    def test_unknown_op_names_the_node(self):
        bad_dir = os.path.join(self.tmp, 'unknown-op')
        os.makedirs(bad_dir, exist_ok=True)
        with open(POSENET_JSON) as f:
            model = json.load(f)
        victim = next(n for n in model['modelTopology']['node'] if n['op'] == '_FusedConv2D')
        victim['op'] = 'FancyConv'
        bad_json = os.path.join(bad_dir, 'posenet.json')
        with open(bad_json, 'w') as f:
            json.dump(model, f)
        shutil.copy(os.path.join(os.path.dirname(POSENET_JSON), 'posenet.bin'), bad_dir)
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            tfjs2onnx.build_model(bad_json, 385, 385)
        self.assertIn(victim['name'], str(ctx.exception))
        self.assertIn('FancyConv', str(ctx.exception))

    def test_short_weight_shard_is_reported(self):
        bad_dir = os.path.join(self.tmp, 'short-shard')
        os.makedirs(bad_dir, exist_ok=True)
        shutil.copy(POSENET_JSON, bad_dir)
        with open(os.path.join(os.path.dirname(POSENET_JSON), 'posenet.bin'), 'rb') as f:
            data = f.read()
        with open(os.path.join(bad_dir, 'posenet.bin'), 'wb') as f:
            f.write(data[:len(data) // 2])
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            tfjs2onnx.build_model(os.path.join(bad_dir, 'posenet.json'), 385, 385)
        self.assertIn('runs past the end of the shards', str(ctx.exception))

    def bad_model(self, subdir, edit):
        """A copy of PoseNet in tmp/subdir with edit(model_json) applied."""
        bad_dir = os.path.join(self.tmp, subdir)
        os.makedirs(bad_dir, exist_ok=True)
        with open(POSENET_JSON) as f:
            model = json.load(f)
        model = edit(model) or model
        bad_json = os.path.join(bad_dir, 'posenet.json')
        with open(bad_json, 'w') as f:
            json.dump(model, f)
        shutil.copy(os.path.join(os.path.dirname(POSENET_JSON), 'posenet.bin'), bad_dir)
        return bad_json

    def assert_main_fails(self, model, out, code, *, stderr_has):
        with mock.patch('sys.stderr') as err:
            try:
                rc = tfjs2onnx.main(['--model', model, '--height', '385', '--width', '385',
                                     '--out', out])
            except SystemExit as e:  # argparse's usage error
                rc = e.code
        self.assertEqual(rc, code)
        said = ''.join(str(c.args[0]) for c in err.write.call_args_list)
        self.assertIn(stderr_has, said)
        self.assertFalse(os.path.exists(out + '.tmp'), 'a half-written OUT.tmp was left behind')

    def test_out_in_missing_directory_is_a_usage_error(self):
        out = os.path.join(self.tmp, 'no-such-dir', 'out.onnx')
        self.assert_main_fails(POSENET_JSON, out, 2, stderr_has='does not exist')

    def test_out_naming_a_directory_is_a_usage_error(self):
        out = os.path.join(self.tmp, 'a-directory')
        os.makedirs(out, exist_ok=True)
        self.assert_main_fails(POSENET_JSON, out, 2, stderr_has='is a directory')

    def test_failed_save_leaves_no_tmp(self):
        out = os.path.join(self.tmp, 'failed-save.onnx')

        def half_save(model, path):
            with open(path, 'wb') as f:
                f.write(b'half')
            raise OSError(28, 'No space left on device')
        with mock.patch.object(tfjs2onnx.onnx, 'save', half_save):
            self.assert_main_fails(POSENET_JSON, out, 1, stderr_has='No space left on device')
        self.assertFalse(os.path.exists(out))

    def test_model_json_list_is_reported(self):
        bad_json = os.path.join(self.tmp, 'list.json')
        with open(bad_json, 'w') as f:
            json.dump([1, 2], f)
        self.assert_main_fails(bad_json, os.path.join(self.tmp, 'list.onnx'), 1,
                               stderr_has='expected a JSON object')

    def assert_broken_fused_conv_is_named(self, tag, break_node):
        """The first _FusedConv2D node edited by `break_node`: the conversion fails naming it."""
        victim = {}

        def edit(model):
            node = next(n for n in model['modelTopology']['node'] if n['op'] == '_FusedConv2D')
            break_node(node)
            victim['name'] = node['name']
        bad_json = self.bad_model(tag, edit)
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            tfjs2onnx.build_model(bad_json, 385, 385)
        self.assertIn(victim['name'], str(ctx.exception))

    def test_node_short_of_inputs_names_the_node(self):
        def short_of_inputs(node):
            node['input'] = node['input'][:1]
        self.assert_broken_fused_conv_is_named('short-node', short_of_inputs)

    def test_malformed_node_attribute_names_the_node(self):
        def bad_strides(node):
            node['attr']['strides'] = {'list': {'i': ['1', '2']}}  # 2 values, 4 expected
        self.assert_broken_fused_conv_is_named('bad-strides', bad_strides)

    def test_malformed_weight_entry_names_the_weight(self):
        victim = {}

        def edit(model):
            spec = model['weightsManifest'][0]['weights'][3]
            spec['shape'] = [7, 'x']
            victim['name'] = spec['name']
        bad_json = self.bad_model('bad-weight', edit)
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            tfjs2onnx.build_model(bad_json, 385, 385)
        self.assertIn(f"weight {victim['name']}", str(ctx.exception))

    def test_fp16_weights_are_dequantised(self):
        spec = {'name': 'w', 'shape': [2], 'dtype': 'float32',
                'quantization': {'dtype': 'float16', 'original_dtype': 'float32'}}
        raw = np.array([1.5, -0.25], np.float16)
        out = tfjs_model.dequantize(raw, spec, spec['quantization'])
        self.assertEqual(out.dtype, np.float32)
        np.testing.assert_array_equal(out, [1.5, -0.25])


if __name__ == '__main__':
    unittest.main(verbosity=2)
