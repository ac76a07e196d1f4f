#!/usr/bin/python3
"""Prepare the TF.js reference runs: decode vtest frames, pre-process them exactly as the tests
do (cv2.resize INTER_LINEAR stretch to the model input, BGR->RGB), write the raw input tensors and
one job file per (model, frame) for run-reference.js.

Usage: make_jobs.py <repo> <model source dir> <work dir> <job list out>
"""
import importlib.util
import json
import os
import sys

import cv2
import numpy as np

FRAMES = [0, 200, 400]
SAMPLES = 2048

# name, H, W, TF input dtype, whether the graph expects (x-127.5)/127.5 (PoseNet has no
# normalisation in the graph), TF node of the model's own decoded output.
MODELS = [
    ('movenet-multipose', 576, 768, 'int32', False, 'Identity'),
    ('movenet-lightning', 192, 192, 'int32', False, 'Identity'),
    ('posenet', 385, 385, 'float32', True, None),
    ('centernet', 512, 512, 'float32', False, 'tower_0/detections'),
]


def load_converter(repo):
    spec = importlib.util.spec_from_file_location('tfjs2onnx', f'{repo}/tools/tfjs2onnx.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_frames(video, wanted):
    """Decode sequentially (no seeking: AVI seeks are not frame exact) and keep `wanted`."""
    cap = cv2.VideoCapture(video)
    if not cap.isOpened():
        sys.exit(f'make_jobs: cannot open {video} (run ./scripts/setup.sh)')
    frames, index = {}, 0
    while len(frames) < len(wanted):
        ok, frame = cap.read()
        if not ok:
            sys.exit(f'make_jobs: {video} ended at frame {index}, wanted {wanted}')
        if index in wanted:
            frames[index] = frame
        index += 1
    return frames


def head_nodes(converter, source_json):
    with open(source_json) as f:
        names = [n['name'] for n in json.load(f)['modelTopology']['node']]
    kind = converter.detect_kind([{'name': n} for n in names])
    heads = {}
    for out, pattern in converter.HEADS[kind]:
        found = [n for n in names if converter.re.match(pattern, n)]
        if len(found) != 1:
            sys.exit(f'make_jobs: {source_json}: head {out} matches {found}')
        heads[out] = found[0]
    return heads


def main(repo, sources, work, job_list):
    converter = load_converter(repo)
    frames = read_frames(os.path.join(repo, 'data', 'vtest.avi'), FRAMES)
    jobs = []
    for name, h, w, dtype, normalise, decoded in MODELS:
        source_json = os.path.join(sources, f'{name}.json')
        heads = head_nodes(converter, source_json)
        out_dir = os.path.join(repo, 'tests', 'data', 'reference', name)
        os.makedirs(out_dir, exist_ok=True)
        for index in FRAMES:
            rgb = cv2.cvtColor(cv2.resize(frames[index], (w, h), interpolation=cv2.INTER_LINEAR),
                               cv2.COLOR_BGR2RGB)
            if normalise:
                tensor = ((rgb.astype(np.float32) - np.float32(127.5)) / np.float32(127.5))
            else:
                tensor = rgb.astype(np.int32 if dtype == 'int32' else np.float32)
            input_file = os.path.join(work, f'{name}-frame{index}.bin')
            tensor.astype('<i4' if dtype == 'int32' else '<f4').tofile(input_file)
            job = {
                'model': source_json,
                'input': {'file': input_file, 'dtype': dtype, 'shape': [1, h, w, 3]},
                'heads': heads, 'decoded': decoded, 'samples': SAMPLES,
                'meta': {'model': name, 'source': 'data/vtest.avi', 'frame': index,
                         'width': w, 'height': h, 'resize': 'stretch, cv2.INTER_LINEAR',
                         'color': 'rgb',
                         # what the graph input receives: (pixel - mean) / std per channel
                         'mean': [127.5] * 3 if normalise else [0.0] * 3,
                         'std': [127.5] * 3 if normalise else [1.0] * 3,
                         # Sum of the HxWx3 uint8 RGB input: a test that builds the same input
                         # can check it is really feeding the same pixels.
                         'input_sum': int(rgb.astype(np.int64).sum())},
                'out': os.path.join(out_dir, f'frame{index}.json'),
            }
            job_file = os.path.join(work, f'{name}-frame{index}.job.json')
            with open(job_file, 'w') as f:
                json.dump(job, f)
            jobs.append(job_file)
    with open(job_list, 'w') as f:
        f.write('\n'.join(jobs) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
