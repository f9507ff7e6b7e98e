#!/usr/bin/env bash
# Installs the Debian packages that genlab's tests need, only when they are missing.
# Usage: scripts/system-deps.sh [webgpu] [jupyter] [chromium] [torch]   (no argument = all)
# Needs root (or sudo) and Debian 12; on other systems it prints what to install and exits 0.
set -euo pipefail

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(webgpu jupyter chromium torch)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no apt-get here; install Mesa >= 25 Vulkan drivers, Jupyter (nbconvert, nbclient) and Chromium yourself." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: not root and no sudo; skipping apt installs." >&2; exit 0; fi
fi

missing=()
has_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

backports_ready() {
  grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

need_update=0
for w in "${want[@]}"; do
  case "$w" in
    webgpu)
      # Dawn needs a Vulkan driver; Debian 12's own Mesa 22 lavapipe is too old for it.
      ver=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
      if [[ ! "$ver" =~ ^2[5-9]\. ]]; then
        if ! backports_ready; then
          echo "system-deps: adding bookworm-backports to apt sources"
          printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
        fi
        missing+=("BACKPORTS:mesa-vulkan-drivers" "BACKPORTS:libvulkan1")
      fi ;;
    jupyter)
      for p in jupyter-nbconvert python3-nbclient jupyter-notebook python3-nbformat python3-ipykernel; do has_pkg "$p" || missing+=("$p"); done ;;
    chromium)
      for p in chromium fonts-noto-cjk; do has_pkg "$p" || missing+=("$p"); done ;;
    torch)
      for p in python3-torch libopenblas0-pthread; do has_pkg "$p" || missing+=("$p"); done ;;
    *) echo "system-deps: unknown group '$w' (webgpu, jupyter, chromium, torch)" >&2; exit 2 ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && { echo "system-deps: all present (${want[*]})"; exit 0; }

plain=(); bp=()
for m in "${missing[@]}"; do
  if [[ "$m" == BACKPORTS:* ]]; then bp+=("${m#BACKPORTS:}"); else plain+=("$m"); fi
done
echo "system-deps: installing ${plain[*]:-} ${bp[*]:-}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/genlab-apt.XXXXXX.log)
run() { "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "system-deps: '$*' failed (full log: $log)" >&2; exit 1; }; }
run $SUDO apt-get update
[ ${#plain[@]} -gt 0 ] && run $SUDO apt-get install -y --no-install-recommends "${plain[@]}"
[ ${#bp[@]} -gt 0 ] && run $SUDO apt-get install -y --no-install-recommends -t bookworm-backports "${bp[@]}"
echo "system-deps: done (apt log: $log)"
