#!/usr/bin/env node
// The dense runtime a CPU user would otherwise pick: onnxruntime (npm onnxruntime-node, CPU
// execution provider) on the same ONNX file and the same pre-processed frames as deltacnn-bench.
// Benchmarks only: the engine never depends on onnxruntime.
//
// Usage: node ort-reference.js <model.onnx> <frames.f32> <H> <W> <runs> <threads>
//   frames.f32: raw little-endian float32, whole frames of [1,3,H,W] (the model's normalised
//   NCHW input), one after the other. Runs cycle over the frames.
// Prints one JSON line: {"ort_version", "threads", "runs", "warmup", "ms": [...], "median_ms"}.
// DCNN_ORT_PROFILE=<prefix>: onnxruntime also writes its per-node profile (JSON trace) of the
// timed runs to <prefix>_<date>.json, named in the output line as "profile"; it is what
// tools/bench/ort_profile_compare.py sets against deltacnn-bench --layers-csv.
// Exit 1 with a message naming the file and what was expected on any error.
'use strict';

const fs = require('fs');

function fail(message) {
  console.error(`ort-reference: ${message}`);
  process.exit(1);
}

let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  fail(`cannot load onnxruntime-node (${e.message}); run ./scripts/fetch-ort.sh and set NODE_PATH ` +
       'to its node_modules');
}

function positiveInt(text, what) {
  if (!/^[0-9]+$/.test(text) || Number(text) <= 0) fail(`${what} is '${text}'; expected a positive integer`);
  return Number(text);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 6) fail('usage: ort-reference.js <model.onnx> <frames.f32> <H> <W> <runs> <threads>');
  const [modelPath, framesPath] = args;
  const h = positiveInt(args[2], 'H');
  const w = positiveInt(args[3], 'W');
  const runs = positiveInt(args[4], 'runs');
  const threads = positiveInt(args[5], 'threads');

  const bytes = fs.readFileSync(framesPath);
  const frameFloats = 3 * h * w;
  if (bytes.length === 0 || bytes.length % (frameFloats * 4) !== 0)
    fail(`${framesPath}: ${bytes.length} bytes; expected a multiple of ${frameFloats * 4} (frames of [1,3,${h},${w}] float32)`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const count = all.length / frameFloats;
  const frames = [];
  for (let i = 0; i < count; ++i)
    frames.push(new ort.Tensor('float32', all.subarray(i * frameFloats, (i + 1) * frameFloats), [1, 3, h, w]));

  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      ...(process.env.DCNN_ORT_PROFILE ? {enableProfiling: true, profileFilePrefix: process.env.DCNN_ORT_PROFILE}
                                       : {}),
    });
  } catch (e) {
    fail(`${modelPath}: onnxruntime could not load it: ${e.message}`);
  }
  const inputName = session.inputNames[0];
  const run = (i) => session.run({[inputName]: frames[i % count]});

  // Warm-up: the first runs allocate arenas and pick kernels; a user's steady state excludes them.
  const warmup = 3;
  for (let i = 0; i < warmup; ++i) await run(i);
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await run(i);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]
                                   : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
  let version = 'unknown';
  try { version = require('onnxruntime-node/package.json').version; } catch (e) { /* keep unknown */ }
  const profile = process.env.DCNN_ORT_PROFILE ? session.endProfiling() : undefined;
  console.log(JSON.stringify({ort_version: version, threads, runs, warmup, ms, median_ms: median, profile}));
}

main().catch((e) => fail(e.message));
