#!/usr/bin/env node
// Runs an ORIGINAL TF.js graph model (model.json + .bin, no conversion) with the wasm backend and
// writes reference outputs for deltacnn's tests: chosen internal nodes (the CNN heads) sampled at
// deterministic positions, plus the model's own decoded output in full.
//
// Usage: node run-reference.js <job.json>
// job = {
//   model:   path of model.json (weight shards next to it),
//   input:   {file: raw little-endian NHWC data, dtype: "int32"|"float32", shape: [1,H,W,3]},
//   heads:   {<output name>: <TF node name>, ...},
//   decoded: <TF node name> | null,
//   samples: number of sampled positions per head,
//   meta:    object copied verbatim to the output (input spec: frame, size, resize, ...),
//   out:     output JSON path
// }
// The output stores, per head, its NHWC shape, max |value|, and values at `samples` flat NHWC
// indices drawn by a fixed-seed generator (plus the index of the max |value|, so the peak is
// always checked).
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const tfconv = require('@tensorflow/tfjs-converter');

function fail(message) {
  console.error(`run-reference: ${message}`);
  process.exit(1);
}

// Concatenate the weight shards of every manifest group, in manifest order.
function loadModelArtifacts(modelPath) {
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const dir = path.dirname(modelPath);
  const weightSpecs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) buffers.push(fs.readFileSync(path.join(dir, shard)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format,
          generatedBy: json.generatedBy, convertedBy: json.convertedBy,
          signature: json.signature};
}

function readInput(spec) {
  const bytes = fs.readFileSync(spec.file);
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) {
    fail(`${spec.file}: ${bytes.length} bytes, expected ${count * 4} for shape ${spec.shape}`);
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = spec.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
  return tf.tensor(data, spec.shape, spec.dtype);
}

// mulberry32: tiny deterministic PRNG so the sampled positions never change between runs.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function compact(v) {  // 7 significant digits: float32 precision, half the JSON size
  return Number(v.toPrecision(7));
}

function sampleHead(values, shape, samples) {
  let maxAbs = 0;
  let maxIndex = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > maxAbs) { maxAbs = a; maxIndex = i; }
  }
  const random = prng(0x5eed);
  const picked = new Set([maxIndex]);
  const wanted = Math.min(samples, values.length);
  while (picked.size < wanted) picked.add(Math.floor(random() * values.length));
  const indices = Array.from(picked).sort((a, b) => a - b);
  return {shape, max_abs: compact(maxAbs), max_abs_index: maxIndex, indices,
          values: indices.map((i) => compact(values[i]))};
}

async function main() {
  const jobPath = process.argv[2];
  if (!jobPath) fail('usage: node run-reference.js <job.json>');
  const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
  wasm.setThreadsCount && wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const model = await tfconv.loadGraphModel(tf.io.fromMemory(loadModelArtifacts(job.model)));
  const input = readInput(job.input);
  const headNames = Object.keys(job.heads);
  const wanted = headNames.map((h) => job.heads[h]);
  if (job.decoded) wanted.push(job.decoded);
  const started = Date.now();
  const outputs = model.execute(input, wanted);  // the CNN heads need no control flow
  const elapsed = Date.now() - started;
  const result = {meta: job.meta, generator: {runtime: `tfjs ${tf.version_core}`,
                                              backend: tf.getBackend(), model: path.basename(job.model)},
                  heads: {}};
  for (let i = 0; i < headNames.length; i++) {
    const t = outputs[i];
    const head = sampleHead(await t.data(), t.shape, job.samples);
    head.tf_node = job.heads[headNames[i]];
    result.heads[headNames[i]] = head;
  }
  if (job.decoded) {
    const t = outputs[outputs.length - 1];
    result.decoded = {tf_node: job.decoded, shape: t.shape,
                      values: Array.from(await t.data(), compact)};
  }
  fs.writeFileSync(job.out, JSON.stringify(result) + '\n');
  console.log(`run-reference: ${job.out} (${elapsed} ms on ${tf.getBackend()})`);
}

main().catch((e) => fail(e.stack || String(e)));
