#!/bin/sh
# One prepared GPU check (run through ./run.sh gpu-check [OUT_DIR]):
#  1. times DCGAN, MLP VAE and conv VAE training steps on WebGPU (this bundle) and the same models
#     in PyTorch on CUDA (bench/torch_reference.py; needs python3 with torch, GENLAB_PYTHON to pick one),
#     prints images/s of both and the ratio, and keeps PyTorch's trained weights and sample grids;
#  2. trains the bundle's DCGAN and conv VAE for a short fixed number of steps on WebGPU, keeping
#     their run folders (checkpoints, sample grids, logs).
# Everything lands in OUT_DIR (default ./gpu-check-out). GPU_CHECK_STEPS (default 20) steps each.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-gpu-check-out}
STEPS=${GPU_CHECK_STEPS:-20}
mkdir -p "$OUT"
export GENLAB_TORCH_REFERENCE="$HERE/torch_reference.py"
export GENLAB_DATA_DIR="${GENLAB_DATA_DIR:-$HERE/data}"
export GENLAB_BACKEND="${GENLAB_BACKEND:-webgpu}"
echo "== 1/2 training-step timing: WebGPU (this bundle) vs PyTorch (CUDA if available), $STEPS steps each"
"$HERE/node" "$HERE/bench.cjs" --backends webgpu,torch --models dcgan,mlp-vae,conv-vae --steps "$STEPS" \
  --memory-steps 0 --torch-out "$OUT/pytorch" --out "$OUT/bench.json" | tee "$OUT/bench.txt"
echo "== 2/2 short training runs on WebGPU (run folders under $OUT)"
"$HERE/node" "$HERE/train.cjs" gan --model dcgan --epochs 1 --batch-size 64 --train-limit $((STEPS * 64)) --out "$OUT/dcgan-webgpu"
"$HERE/node" "$HERE/train.cjs" vae --model conv --epochs 1 --batch-size 100 --train-limit $((STEPS * 100)) --out "$OUT/vae-conv-webgpu"
"$HERE/node" -e '
const r = require(process.argv[1]);
const get = (m, e) => r.rows.find((x) => x.model === m && x.engine.startsWith(e));
for (const m of ["dcgan", "mlp-vae", "conv-vae"]) {
  const w = get(m, "tfjs-webgpu"), t = get(m, "pytorch");
  const f = (x) => (x ? x.imagesPerSecond.toFixed(0) + " images/s" : "not measured");
  console.log(`${m}: WebGPU ${f(w)}, ${t ? t.engine : "pytorch"} ${f(t)}` + (w && t ? `, WebGPU takes ${(w.msPerStep / t.msPerStep).toFixed(2)}x PyTorch time` : ""));
}' "$(cd "$OUT" && pwd)/bench.json"
echo "gpu-check done: $OUT"
