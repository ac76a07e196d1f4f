#!/usr/bin/env python3
"""Per-layer-group time of onnxruntime against ours, on the same model and frames.

onnxruntime's side: the profile the runner writes with DCNN_ORT_PROFILE=<prefix>
(tools/bench/ort-reference.js, a Chrome-trace JSON); ours: deltacnn-bench --layers-csv.
The two runtimes fuse nodes differently (onnxruntime names a fused conv after the conv,
we after its activation), so layers are compared in groups by name: the inverted-residual
expand / depthwise / project convs, the heads, and the rest.

Usage: ort_profile_compare.py --ort-profile P.json --layers-csv L.csv [--warmup 3]
"""
import argparse
import csv
import json
import sys

GROUPS = [('expand', ('expand',)), ('depthwise', ('depthwise',)), ('project', ('project',)),
          ('heads', ('kpt_', 'center_', 'box_', 'heatmap', 'offset', 'regress'))]


def group_of(name):
    for group, keys in GROUPS:
        if any(k in name for k in keys):
            return group
    return 'other'


def ort_ms_per_node(path, warmup):
    with open(path) as f:
        events = json.load(f)
    runs = sorted(e['ts'] for e in events if e.get('cat') == 'Session' and e.get('name') == 'model_run')
    if len(runs) <= warmup:
        sys.exit(f'{path}: {len(runs)} model runs; expected more than the {warmup} warm-up runs')
    start = runs[warmup]
    timed = len(runs) - warmup
    per_node = {}
    for e in events:
        if e.get('cat') != 'Node' or not e.get('name', '').endswith('_kernel_time') or e['ts'] < start:
            continue
        node = e['name'][:-len('_kernel_time')]
        per_node[node] = per_node.get(node, 0.0) + e['dur'] / 1000.0 / timed
    return per_node


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--ort-profile', required=True)
    ap.add_argument('--layers-csv', required=True)
    ap.add_argument('--warmup', type=int, default=3)
    a = ap.parse_args()
    ort = ort_ms_per_node(a.ort_profile, a.warmup)
    with open(a.layers_csv) as f:
        ours = {r['node']: float(r['dense_ms']) for r in csv.DictReader(f)}
    totals = {}
    for node, ms in ort.items():
        totals.setdefault(group_of(node), [0.0, 0.0])[0] += ms
    for node, ms in ours.items():
        totals.setdefault(group_of(node), [0.0, 0.0])[1] += ms
    print(f"{'group':10s} {'onnxruntime ms':>15s} {'our dense ms':>13s} {'ours / ort':>11s}")
    for group in [g for g, _ in GROUPS] + ['other']:
        o, u = totals.get(group, [0.0, 0.0])
        print(f'{group:10s} {o:15.2f} {u:13.2f} {u / o if o else float("nan"):11.2f}')
    o = sum(ort.values())
    u = sum(ours.values())
    print(f"{'total':10s} {o:15.2f} {u:13.2f} {u / o:11.2f}")


if __name__ == '__main__':
    main()
