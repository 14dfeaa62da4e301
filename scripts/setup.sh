#!/usr/bin/env bash
# `npm run setup`, README command 1: installs everything and runs the main job.
#   0. the system packages the tests and the main job need, when missing: Debian's chromium (browser tests),
#      redis-server (the distributed executor's tests) and poppler-utils (pdftoppm, the PDF report test); as root
#      with apt-get, or else it stops here with the one command to run;
#   1. Node packages (npm ci), the build (dist/), and node_modules/mmsim -> the project root, so notebooks can
#      import "mmsim" by name;
#   2. a project-local Python environment in .venv with the pinned Jupyter of requirements.txt and the papermill
#      plugin of python/mmsim-papermill;
#   3. mmsim's kernel registered inside .venv (scripts/tslab-kernel.js; nothing in the user's home);
#   4. nbstripout as the git filter of notebooks/*.ipynb in this clone (scripts/install-notebook-filter.sh);
#   5. the main job: every notebooks/*.ipynb executed at its defaults, reports/<name>.html and reports/index.html.
# Idempotent: npm and pip run only when package-lock.json / requirements.txt / the plugin (or the Node or Python
# version) changed since the last successful run (stamps in .cache/setup/). Extra arguments go to the main job
# (`mmsim report`). MMSIM_INSTALL_ONLY=1 stops after step 4.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamps="$root/.cache/setup"
mkdir -p "$stamps"

step() { printf '\n== %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 2; }
key() { { cat "$@"; printf '%s\n' "$root"; } | sha256sum | cut -c1-32; }
fresh() { [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$2" ]; }

step "System packages"
# command -> Debian package
declare -A system_packages=([chromium]=chromium [redis-server]=redis-server [pdftoppm]=poppler-utils)
missing=()
for cmd in chromium redis-server pdftoppm; do
  command -v "$cmd" >/dev/null || [ -x "/usr/bin/$cmd" ] || missing+=("${system_packages[$cmd]}")
done
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -eq 0 ]; then
  echo "chromium, redis-server and pdftoppm are installed"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  die "missing system packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}  (then \`npm run setup\` again)"
fi

command -v node >/dev/null || die "Node.js 20 or later is required (node not found)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || die "Node.js 20 or later is required (found $(node --version))"
command -v python3 >/dev/null || die "Python 3.10 or later with venv is required (python3 not found)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || die "Python 3.10 or later is required (found $(python3 --version))"

step "Node packages"
npm_key="$(node --version | key package.json package-lock.json /dev/stdin)"
if [ -d node_modules ] && fresh npm "$npm_key"; then
  echo "node_modules is up to date"
else
  npm ci --no-audit --no-fund
  echo "$npm_key" >"$stamps/npm"
fi

step "Build"
npm run --silent build
# What npm workspaces would do: the package visible under its own name, for notebooks in notebooks/.
if [ "$(readlink node_modules/mmsim 2>/dev/null || true)" != ".." ]; then
  [ -e node_modules/mmsim ] && [ ! -L node_modules/mmsim ] && die "node_modules/mmsim exists and is not a link: remove it"
  ln -sfn .. node_modules/mmsim
fi
echo "dist/ built; node_modules/mmsim -> project root"

step "Python environment (.venv)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || die "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
fi
# shellcheck source=jupyter-env.sh
source "$root/scripts/jupyter-env.sh"
plugin=python/mmsim-papermill
pip_key="$(.venv/bin/python --version | key requirements.txt "$plugin/pyproject.toml" "$plugin"/mmsim_papermill/*.py /dev/stdin)"
if fresh pip "$pip_key"; then
  echo ".venv is up to date"
else
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt "./$plugin"
  # The plugin is built in place; nothing of it belongs in the tree.
  rm -rf "$plugin/build" "$plugin"/*.egg-info
  echo "$pip_key" >"$stamps/pip"
fi

step "TypeScript kernel in .venv"
# The kernel "tslab" is the project's tslab started through scripts/tslab-kernel.js (see there: it finds the project
# from any working directory, keeps JupyterLab's busy indicator honest, reports failures as Jupyter errors and dies
# with its parent). kernel.json is what `tslab install --sys-prefix` writes, with that argv.
kernel_js="$root/scripts/tslab-kernel.js"
for kernel in tslab jslab; do
  spec=".venv/share/jupyter/kernels/$kernel/kernel.json"
  want="$(node -e '
    const [file, kernel] = process.argv.slice(1);
    const js = kernel === "jslab";
    const argv = [file, "--config-path", "{connection_file}", ...(js ? ["--js"] : [])];
    console.log(JSON.stringify({ argv, display_name: js ? "JavaScript" : "TypeScript", language: js ? "javascript" : "typescript" }));
  ' "$kernel_js" "$kernel")"
  if [ -f "$spec" ] && [ "$(cat "$spec")" = "$want" ]; then
    echo "kernel $kernel registered"
  else
    mkdir -p "$(dirname "$spec")"
    printf '%s\n' "$want" >"$spec"
    echo "kernel $kernel registered: $spec"
  fi
done

# JupyterLab would otherwise fetch news and update checks from the internet on start.
lab_settings=".venv/share/jupyter/lab/settings/overrides.json"
if [ ! -f "$lab_settings" ]; then
  mkdir -p "$(dirname "$lab_settings")"
  printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' >"$lab_settings"
fi

step "Git filter for notebooks (nbstripout)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  bash scripts/install-notebook-filter.sh
  echo "notebooks/*.ipynb are staged without outputs (.gitattributes; filter.nbstripout in this clone's git config)"
else
  echo "not a git clone: no filter installed"
fi

if [ "${MMSIM_INSTALL_ONLY:-}" = 1 ]; then
  echo
  echo "MMSIM_INSTALL_ONLY=1: installed; the main job (reports/) is skipped."
  exit 0
fi

step "Main job: every notebook at its defaults -> reports/"
node bin/mmsim.js report "$@"
echo
echo "Open reports/index.html, or run \`npm run lab\` for JupyterLab."
