#!/usr/bin/env bash
# One-time set-up for a fresh Debian bookworm machine (idempotent).
#  1. npm dependencies (npm ci when a lockfile exists).
#  2. DejaVu Sans (fonts-dejavu-core) when missing: the PNG renderer (lib/report/render.ts) draws with it.
#     Debian's chromium when missing: the report's browser test and screenshots drive it through
#     playwright-core (never a downloaded browser).
#  3. The notebooks' tools: Debian's jupyter-nbconvert (when missing; skipped with a line when not
#     root) and the Deno kernel (npm's `deno`) registered in .cache/jupyter.
#  4. A Vulkan driver for Dawn when Dawn finds no adapter: Mesa's lavapipe from
#     bookworm-backports (mesa-vulkan-drivers 25.x; bookworm's own 22.x lacks a feature Dawn needs).
# A machine that already has an adapter (a real GPU, or lavapipe installed) is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f package-lock.json ]; then npm ci --no-fund --no-audit; else npm install --no-fund --no-audit; fi

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "setup: installing fonts-dejavu-core (DejaVu Sans, for PNG charts)"
  if [ "$(id -u)" != 0 ]; then
    echo "setup: cannot install fonts: not root. Run as root, or: sudo apt-get install fonts-dejavu-core (or set VGGM_FONT_DIR to a folder with DejaVuSans.ttf)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
fi

if [ ! -x "${VGGM_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "setup: installing chromium (headless browser for the report test, scripts/report.ts --screenshots)"
  if [ "$(id -u)" != 0 ]; then
    echo "setup: cannot install chromium: not root. Run as root, or: sudo apt-get install chromium (or set VGGM_CHROMIUM to a Chromium binary)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Notebooks (notebooks/*.ipynb): Deno comes from npm (devDependency `deno`); Debian's
# jupyter-nbconvert runs them headless; the Deno kernel is registered inside the repository
# (.cache/jupyter/kernels/deno: use JUPYTER_PATH=.cache/jupyter). Optional: skipped with a line.
if ! command -v jupyter-nbconvert >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: skipping jupyter-nbconvert (notebooks): not root. Run as root, or: sudo apt-get install --no-install-recommends jupyter-nbconvert" >&2
  else
    echo "setup: installing jupyter-nbconvert (runs the notebooks headless)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyter-nbconvert >/dev/null
  fi
fi
if node_modules/.bin/deno --version >/dev/null 2>&1; then
  XDG_DATA_HOME="$PWD/.cache" node_modules/.bin/deno jupyter --install --force >/dev/null 2>&1 \
    && echo "setup: Deno Jupyter kernel registered in .cache/jupyter (JUPYTER_PATH=.cache/jupyter)" \
    || echo "setup: 'deno jupyter --install' failed; npm run notebooks retries it" >&2
else
  echo "setup: skipping the Deno kernel: node_modules/.bin/deno does not run (npm ci should install it)" >&2
fi

if adapter=$(node scripts/probe-adapter.mjs 2>/dev/null); then
  echo "setup: WebGPU adapter found: $adapter"
  exit 0
fi

echo "setup: Dawn finds no WebGPU adapter; installing Mesa's lavapipe (software Vulkan) from bookworm-backports"
if [ "$(id -u)" != 0 ]; then
  echo "setup: cannot install the Vulkan driver: not root. Run as root, or: sudo apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1" >&2
  exit 1
fi
if ! grep -qs 'bookworm' /etc/os-release; then
  echo "setup: cannot install the Vulkan driver: this is not Debian bookworm. Install a Vulkan driver with Vulkan 1.3 (Mesa >= 24 lavapipe, or a GPU driver) by hand." >&2
  exit 1
fi
src=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat > "$src" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
if adapter=$(node scripts/probe-adapter.mjs 2>/dev/null); then
  echo "setup: WebGPU adapter found: $adapter"
else
  echo "setup: lavapipe installed but Dawn still finds no adapter; check 'vulkaninfo --summary'" >&2
  exit 1
fi
