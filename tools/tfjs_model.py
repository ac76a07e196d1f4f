"""Reading TF.js graph models (model.json + binary weight shards) into numpy.

The manifest rules: the shards of a weights group are concatenated in order and every entry
consumes prod(shape) x storage size bytes; storage is `quantization.dtype` when present (fp16 or
affine uint8/uint16), else `dtype`. Node attributes are JSON with base64 strings and integers
written as strings.
"""
import base64
import os

import numpy as np

STORAGE_DTYPES = {'float32': '<f4', 'int32': '<i4', 'float16': '<f2', 'uint8': 'u1',
                  'uint16': '<u2', 'bool': 'u1'}


class ConversionError(Exception):
    """Bad or unsupported input; the message names the file, node or weight at fault."""


def load_weights(model_json, model_dir):
    """Return {weight name: numpy array} following the TF.js manifest rules: the shards of a
    group are concatenated, every entry consumes prod(shape) x storage size bytes in order."""
    weights = {}
    for group in model_json['weightsManifest']:
        blob = b''
        for path in group['paths']:
            full = os.path.join(model_dir, path)
            if not os.path.isfile(full):
                raise ConversionError(f'weight shard {full} named in the manifest is missing')
            with open(full, 'rb') as f:
                blob += f.read()
        offset = 0
        for spec in group['weights']:
            try:
                offset = load_weight(weights, spec, blob, offset)
            except (KeyError, IndexError, TypeError, ValueError) as e:  # a malformed entry
                name = spec.get('name', '?') if isinstance(spec, dict) else repr(spec)
                raise ConversionError(f'weight {name}: malformed manifest entry: '
                                      f'{type(e).__name__}: {e}') from None
        if offset != len(blob):
            raise ConversionError(f'manifest group {group["paths"]} describes {offset} bytes, '
                                  f'shards hold {len(blob)}')
    return weights


def load_weight(weights, spec, blob, offset):
    """Decode one manifest entry at offset into weights; returns the offset after it."""
    quant = spec.get('quantization')
    storage = quant['dtype'] if quant else spec['dtype']
    if storage not in STORAGE_DTYPES:
        raise ConversionError(f"weight {spec['name']}: unsupported storage dtype {storage}")
    count = int(np.prod(spec['shape'], dtype=np.int64))
    nbytes = count * np.dtype(STORAGE_DTYPES[storage]).itemsize
    if offset + nbytes > len(blob):
        raise ConversionError(f"weight {spec['name']} runs past the end of the shards "
                              f'({offset + nbytes} > {len(blob)} bytes)')
    raw = np.frombuffer(blob, STORAGE_DTYPES[storage], count, offset)
    weights[spec['name']] = dequantize(raw, spec, quant).reshape(spec['shape'])
    return offset + nbytes


def dequantize(raw, spec, quant):
    if not quant:
        return raw.astype(np.int32 if spec['dtype'] == 'int32' else np.float32)
    if quant['dtype'] == 'float16':
        return raw.astype(np.float32)
    if 'scale' in quant:  # affine uint8 / uint16
        return (raw.astype(np.float32) * quant['scale'] + quant['min']).astype(np.float32)
    raise ConversionError(f"weight {spec['name']}: quantization {quant} is not supported")


def attr(node, key, default=None):
    """Decode one TF.js node attribute: strings are base64, integers JSON strings."""
    a = node.get('attr', {}).get(key)
    if a is None:
        return default
    if 's' in a:
        return base64.b64decode(a['s']).decode()
    if 'i' in a:
        return int(a['i'])
    if 'f' in a:
        return float(a['f'])
    if 'b' in a:
        return bool(a['b'])
    if 'list' in a:
        lst = a['list']
        if 's' in lst:
            return [base64.b64decode(s).decode() for s in lst['s']]
        if 'i' in lst:
            return [int(i) for i in lst['i']]
        if 'f' in lst:
            return [float(f) for f in lst['f']]
        return []
    return a
