#!/bin/sh
# genlab offline GPU bundle. Usage:
#   ./run.sh train gan --model dcgan --epochs 5      (any `npm run train` arguments)
#   ./run.sh bench [bench arguments]                 (the training-speed benchmark)
#   ./run.sh gpu-check [OUT_DIR]                     (WebGPU vs PyTorch/CUDA, see gpu-check.sh)
# GENLAB_BACKEND defaults to webgpu; GENLAB_BACKEND=wasm runs on the CPU without Vulkan.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
export GENLAB_DATA_DIR="${GENLAB_DATA_DIR:-$HERE/data}"
export GENLAB_BACKEND="${GENLAB_BACKEND:-webgpu}"

has_vulkan() {
  if command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then return 0; fi
  for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /usr/local/lib ${LD_LIBRARY_PATH:-}; do
    [ -n "$d" ] && [ -e "$d/libvulkan.so.1" ] && return 0
  done
  return 1
}

check_vulkan() {
  case "$GENLAB_BACKEND" in
    webgpu)
      if ! has_vulkan; then
        echo "run.sh: the Vulkan loader libvulkan.so.1 is not installed on this machine, and WebGPU needs it." >&2
        echo "  Install it (Debian/Ubuntu: apt-get install libvulkan1; NVIDIA's driver also provides its Vulkan ICD)," >&2
        echo "  or train on the CPU with GENLAB_BACKEND=wasm ./run.sh train ..." >&2
        exit 3
      fi ;;
  esac
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  train) check_vulkan; exec "$HERE/node" "$HERE/train.cjs" "$@" ;;
  bench) exec "$HERE/node" "$HERE/bench.cjs" "$@" ;;
  gpu-check) check_vulkan; exec "$HERE/gpu-check.sh" "$@" ;;
  *) echo "usage: ./run.sh train <gan|vae> [options] | ./run.sh bench [options] | ./run.sh gpu-check [OUT_DIR]" >&2; exit 2 ;;
esac
