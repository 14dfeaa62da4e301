# Sourced by the scripts that run Jupyter: puts the project's .venv and node_modules/.bin first on PATH and keeps every
# Jupyter path (config, data, kernelspecs, runtime files, JupyterLab settings and workspaces) inside .venv, so that
# nothing is read from or written to the user's home. Expects $root (the project root) to be set.
venv="$root/.venv"
export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$root/node_modules/.bin:$PATH"
export JUPYTER_CONFIG_DIR="$venv/etc/jupyter"
export JUPYTER_DATA_DIR="$venv/share/jupyter"
export JUPYTER_PATH="$venv/share/jupyter"
export JUPYTER_RUNTIME_DIR="$venv/share/jupyter/runtime"
export JUPYTERLAB_SETTINGS_DIR="$venv/share/jupyter/lab/user-settings"
export JUPYTERLAB_WORKSPACES_DIR="$venv/share/jupyter/lab/workspaces"
export IPYTHONDIR="$venv/etc/ipython"
export JUPYTER_PLATFORM_DIRS=1
export PIP_CACHE_DIR="$root/.cache/pip"
