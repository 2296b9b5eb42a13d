#!/usr/bin/env bash
# GPU proof, one command: LVCD at its real size on one NVIDIA GPU, in at most 8 minutes, from the npm registry alone.
#
#   bench/gpu-proof.sh [--keep-dir DIR] [--steps 25] [--size 576x320] [--seed 1234]
#   bench/gpu-proof.sh --provider cpu --tiny      # the same code path on the tiny stand-in, CPU only (minutes)
#
# Needs: the repo installed (npm ci; `npm run build` or it builds libs/media and libs/models here), ../shared with
# fixtures/lvcd-tiny (or LVCD_SHARED_DIR), and for CUDA an NVIDIA driver (nvidia-smi), the CUDA runtime the npm
# provider package is built for (CUDA 13: cudart, cublas, cublasLt, curand) and cuDNN 9 on the loader path; about
# 20 GB free under $TMPDIR (or --keep-dir) for the stand-in weights and their bundle. It:
#   1. checks the GPU with nvidia-smi and says what is missing;
#   2. installs ONNX Runtime's CUDA provider with `npm run cuda:install` unless it is there, then checks that the
#      driver is new enough for the CUDA it links, that ldd finds every library it links, and that cuDNN 9 is there;
#   3. runs the tiny bundle's networks (lineart, VAE encoder and decoder, conditioner encoder, CLIP, denoiser in
#      four reference-attention modes) on CUDA against the PyTorch goldens: fp32 with TF32 off must be within 1e-3;
#      it also prints ORT's default (TF32) math, the CPU, |cuda - cpu|, the fp16-storage and fp16-compute bundles'
#      errors (fp16 compute also against cuda fp32), and which of the denoiser's ops ORT left on the CPU inside the
#      CUDA session (from its profile);
#   4. writes real-shape stand-in weights (every key of keys-real-svd.tsv and keys-real-lvcd-ckpt.tsv at its real
#      shape, seeded noise, 12.7 GB of F32) and converts them with convertBundle to an fp16-compute bundle (with
#      --provider cpu: fp16 storage, as the runtime refuses fp16-compute bundles on the CPU);
#      --keep-dir DIR keeps the bundle there and reuses it next time (the stand-in sources are always deleted);
#   5. runs one window (15 frames) at 576x320 with 25 steps on the stand-in bundle on CUDA, then its decode.
# It prints per-step time, seconds per output frame, peak GPU memory (nvidia-smi polled every 100 ms), wall time
# against time inside ONNX Runtime, and estimatePlan's figures for the same run beside the measured ones with their
# ratio and the constants that would fit them: refit CALIBRATION.cuda in libs/models/src/planning/calibration.ts
# from that output (docs/performance.md, "GPU proof"). Exit status 0 when the goldens hold and the run's frames are
# finite; the goals (<= 0.2 s a frame, <= 12 GB of GPU memory) and the 8-minute budget are reported, not gated.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)

provider=cuda
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --provider) provider="${args[i + 1]:-}" ;;
    --provider=*) provider="${args[i]#--provider=}" ;;
    -h | --help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; exit 0 ;;
  esac
done

fail() {
  echo "gpu-proof: $*" >&2
  exit 1
}

command -v node >/dev/null || fail "node is not on PATH: install Node.js >= 20.19"
[ -d node_modules/onnxruntime-node ] || fail "node_modules/onnxruntime-node is missing: run npm ci first"
shared="${LVCD_SHARED_DIR:-../shared}"
[ -f "$shared/fixtures/lvcd-tiny/keys-real-svd.tsv" ] || fail "no tiny fixtures in $shared/fixtures/lvcd-tiny: put shared/ beside the repo or set LVCD_SHARED_DIR"

if [ "$provider" = cuda ]; then
  command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: install the NVIDIA driver (it brings nvidia-smi), then check that nvidia-smi lists the GPU"
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) ||
    fail "nvidia-smi finds no usable GPU ($gpu): check the driver is loaded (lsmod | grep nvidia) and the GPU is visible to this user or container"
  echo "GPU: $(head -n1 <<<"$gpu") (name, driver, memory)"
  ort_bin=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
  if [ ! -f "$ort_bin/libonnxruntime_providers_cuda.so" ]; then
    echo "installing the CUDA provider (npm run cuda:install)"
    npm run --silent cuda:install || fail "npm run cuda:install failed (see above): it needs the npm registry"
  else
    echo "CUDA provider already installed in $ort_bin"
  fi
  # The provider links the CUDA runtime libraries by name (the npm package's build links CUDA 13's): any the
  # loader cannot find stop it from loading, and ONNX Runtime would only say "CUDA execution provider unavailable".
  provider_lib="$ort_bin/libonnxruntime_providers_cuda.so"
  cuda_major=$(readelf -d "$provider_lib" 2>/dev/null | sed -n 's/.*\[libcudart\.so\.\([0-9]*\)\].*/\1/p' | head -n1)
  driver_cuda=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9]*\).*/\1/p' | head -n1)
  echo "the CUDA provider is built for CUDA ${cuda_major:-?}; the driver supports up to CUDA ${driver_cuda:-?}"
  if [ -n "$cuda_major" ] && [ -n "$driver_cuda" ] && [ "$driver_cuda" -lt "$cuda_major" ]; then
    fail "the NVIDIA driver supports CUDA $driver_cuda, the provider needs CUDA $cuda_major: update the driver"
  fi
  missing=$(LD_LIBRARY_PATH="$ort_bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$provider_lib" | awk '/=> not found/ {print $1}' | grep -v '^libonnxruntime' || true)
  [ -z "$missing" ] || fail "the CUDA provider cannot find: $(tr '\n' ' ' <<<"$missing")- install the CUDA ${cuda_major:-} runtime libraries (cudart, cublas, cublasLt, curand) or add their lib folders to LD_LIBRARY_PATH (libcuda.so.1 comes with the driver)"
  # cuDNN is opened at run time (dlopen), so ldd cannot see it: look where the loader would.
  cudnn_found=$( (ldconfig -p 2>/dev/null | awk '{print $NF}'; tr ':' '\n' <<<"${LD_LIBRARY_PATH:-}" | while read -r d; do [ -n "$d" ] && ls "$d"/libcudnn.so.9* 2>/dev/null; done) | grep -m1 'libcudnn\.so\.9' || true)
  [ -n "$cudnn_found" ] || fail "cuDNN 9 (libcudnn.so.9) is not on the loader path: install cuDNN 9 for CUDA ${cuda_major:-} or add its lib folder to LD_LIBRARY_PATH"
  echo "cuDNN: $cudnn_found"
elif [ "$provider" != cpu ]; then
  fail "--provider must be cuda or cpu, not '$provider'"
fi

for lib in media models; do
  if [ ! -f "libs/$lib/dist/index.js" ]; then
    echo "building libs/$lib (npx tsc -p libs/$lib/tsconfig.json)"
    npx tsc -p "libs/$lib/tsconfig.json"
  fi
done

rc=0
node bench/gpu-proof.mjs "$@" || rc=$?
elapsed=$(($(date +%s) - started))
echo "gpu-proof.sh: ${elapsed} s in all, checks and install included (budget 480 s: $([ "$elapsed" -le 480 ] && echo within || echo OVER)); exit $rc"
exit "$rc"
