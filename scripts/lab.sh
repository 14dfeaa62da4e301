#!/usr/bin/env bash
# `npm run lab`: JupyterLab from the project's .venv on notebooks/, with the TypeScript kernel (tslab) ready.
# Extra arguments go to `jupyter lab`, e.g. `npm run lab -- --port 8890 --no-browser`. The URL to open is printed
# by JupyterLab below ("http://localhost:8888/lab?token=...").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -x .venv/bin/jupyter ] || [ ! -f .venv/share/jupyter/kernels/tslab/kernel.json ] || [ ! -d node_modules ]; then
  echo "lab: JupyterLab or the tslab kernel is not installed in .venv: run \`npm run setup\` first" >&2
  exit 2
fi
# Notebooks load the compiled core: build it so they see the current sources.
npm run --silent build
[ "$(readlink node_modules/mmsim 2>/dev/null || true)" = ".." ] || ln -sfn .. node_modules/mmsim
# shellcheck source=jupyter-env.sh
source "$root/scripts/jupyter-env.sh"
# Jupyter refuses to run as root without being told; containers and CI machines often are root.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)
echo "Starting JupyterLab on $root/notebooks (kernel: TypeScript); open the URL it prints."
exec jupyter lab --notebook-dir="$root/notebooks" "${as_root[@]}" "$@"
