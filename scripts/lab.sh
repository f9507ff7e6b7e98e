#!/usr/bin/env bash
# Starts Jupyter on notebooks/ with the project's tslab kernelspec (scripts/notebook-kernel, found
# through JUPYTER_PATH; nothing is written to your global Jupyter folders).
# JupyterLab when it is installed (`jupyter-lab` on PATH, or importable by /usr/bin/python3),
# else the classic notebook of Debian's jupyter-notebook package.
#   npm run lab                       # extra arguments go to Jupyter: npm run lab -- --port 8899
#   GENLAB_PROFILE=smoke npm run lab  # notebooks' parameters cells then pick the quick profile
#   GENLAB_NOTEBOOK_DIR=DIR npm run lab  # serve another folder (the browser test serves a copy)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${GENLAB_PYTHON:-/usr/bin/python3}"

[ -x node_modules/.bin/tslab ] || { echo "lab: node_modules/.bin/tslab is missing: run npm install" >&2; exit 1; }
[ -f src/genlab/dist/index.js ] || { echo "lab: building the genlab package first"; npm run build; }

export JUPYTER_PATH="$root/scripts/notebook-kernel${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Server runtime files (cookie secret, connection files) stay in the git-ignored .cache/ too.
export JUPYTER_RUNTIME_DIR="${JUPYTER_RUNTIME_DIR:-$root/.cache/jupyter/runtime}"
mkdir -p "$JUPYTER_RUNTIME_DIR"
args=(--notebook-dir="${GENLAB_NOTEBOOK_DIR:-$root/notebooks}")
[ "$(id -u)" -eq 0 ] && args+=(--allow-root)

if command -v jupyter-lab >/dev/null 2>&1; then
  echo "lab: JupyterLab ($(command -v jupyter-lab)), kernel 'TypeScript (genlab, tslab)'"
  exec jupyter-lab "${args[@]}" "$@"
elif "$py" -c 'import jupyterlab' >/dev/null 2>&1; then
  echo "lab: JupyterLab ($py -m jupyterlab), kernel 'TypeScript (genlab, tslab)'"
  exec "$py" -m jupyterlab "${args[@]}" "$@"
elif "$py" -c 'import notebook' >/dev/null 2>&1; then
  echo "lab: JupyterLab is not installed; starting the classic notebook ($py -m notebook)."
  echo "lab: for JupyterLab: pipx install jupyterlab (or pip install jupyterlab in a venv), then npm run lab again."
  exec "$py" -m notebook "${args[@]}" "$@"
else
  echo "lab: Jupyter is missing: run: bash scripts/system-deps.sh jupyter" >&2
  exit 1
fi
