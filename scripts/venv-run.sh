#!/usr/bin/env bash
# Runs a command inside the project's Jupyter environment: `bash scripts/venv-run.sh jupyter kernelspec list`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=jupyter-env.sh
source "$root/scripts/jupyter-env.sh"
exec "$@"
