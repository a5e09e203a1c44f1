#!/usr/bin/env bash
# Installs the benchmark's peers from Debian (idempotent): PyTorch, numpy and OpenBLAS for
# scripts/peers/*.py, which scripts/bench.ts runs with the system python (/usr/bin/python3).
# A machine that already imports torch and numpy there is left alone.
set -euo pipefail
PY=/usr/bin/python3
pkgs=(python3-torch python3-numpy libopenblas0-pthread)

if [ -x "$PY" ] && "$PY" -c 'import torch, numpy' 2>/dev/null \
  && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "bench:setup: peers ready: $("$PY" -c 'import torch, numpy; print(f"torch {torch.__version__}, numpy {numpy.__version__}")')"
  exit 0
fi
if ! command -v apt-get >/dev/null || ! grep -qsi 'debian' /etc/os-release; then
  echo "bench:setup: cannot install the peers: this is not Debian. Install PyTorch, numpy and OpenBLAS for $PY by hand (${pkgs[*]} on Debian)." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "bench:setup: cannot install the peers: not root. Run as root, or: sudo apt-get install -y ${pkgs[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${pkgs[@]}" >/dev/null
"$PY" -c 'import torch, numpy; print(f"bench:setup: peers ready: torch {torch.__version__}, numpy {numpy.__version__}")'
