#!/usr/bin/env node
// `npm run cuda:install`: adds ONNX Runtime's CUDA execution provider to onnxruntime-node.
//
// onnxruntime-node ships CPU only; its own install script downloads the CUDA provider from outside the npm
// registry, which fails on offline machines, so the studio skips it (ONNXRUNTIME_NODE_INSTALL=skip) and takes
// the same provider libraries from an npm package built from ONNX Runtime 1.29.0, the version pinned here.
// That package's provider is built for CUDA 13: it links libcudart.so.13, libcublas.so.13, libcublasLt.so.13 and
// libcurand.so.10, and opens cuDNN 9 at run time, so the machine needs a driver for CUDA 13 (nvidia-smi shows
// "CUDA Version: 13.x") and those libraries on the loader path. Check: bench/gpu-proof.sh checks each of them;
// GET /api/health reports which provider runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './setup.mjs';

const PROVIDER_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9';
const ORT_VERSION = '1.29.0';
const LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

const ortDir = join(root, 'node_modules', 'onnxruntime-node');
const installed = JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')).version;
if (installed !== ORT_VERSION) {
  console.error(`onnxruntime-node is ${installed}, but the CUDA provider package matches ${ORT_VERSION}; run npm ci first`);
  process.exit(1);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('the CUDA provider package is for linux x64 only');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'lvcd-cuda-'));
try {
  const pack = spawnSync('npm', ['pack', PROVIDER_PACKAGE, '--pack-destination', work], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack ${PROVIDER_PACKAGE} failed`);
  const tarball = join(work, pack.stdout.trim().split('\n').pop());
  const untar = spawnSync('tar', ['xzf', tarball, '-C', work], { stdio: 'inherit' });
  if (untar.status !== 0) throw new Error('could not unpack the provider package');
  const target = join(ortDir, 'bin', 'napi-v6', 'linux', 'x64');
  for (const lib of LIBRARIES) {
    const source = join(work, 'package', 'Plugins', 'Linux', 'x64', lib);
    if (!existsSync(source)) throw new Error(`${lib} is missing from ${PROVIDER_PACKAGE}`);
    copyFileSync(source, join(target, lib));
    console.log(`installed ${lib} into ${target}`);
  }
  console.log('CUDA provider installed. Start the studio and check GET /api/health: "provider" says "cuda" when the GPU is usable.');
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
