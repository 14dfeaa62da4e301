#!/usr/bin/env bash
# Installs nbstripout (pinned in requirements.txt) as the git filter of notebooks/*.ipynb (.gitattributes) in the
# repository of the current directory, in its own config (not --global): commits carry notebooks without outputs,
# execution counts or run records, while the files on disk keep them.
#   usage: bash scripts/install-notebook-filter.sh [NBSTRIPOUT]
# NBSTRIPOUT defaults to .venv/bin/nbstripout, a relative path: git runs filters from the top of the working tree,
# so each clone (and each worktree) uses its own .venv.
#
# Besides nbstripout's defaults it keeps cell ids (the notebooks' ids are stable names) and drops what a papermill or
# `mmsim run` copy carries: the injected-parameters cell, metadata.papermill (notebook and cells) and
# metadata.mmsim.run. (Only one tag can be dropped: nbstripout 0.9.1's --drop-tagged-cells binds every tag's test to
# the last tag given, so papermill's error banners, which only a failed run's copy has, are left to the user.) nbstripout writes nbformat's layout (keys sorted, one-space indent), as JupyterLab
# saves, so a notebook saved in Lab stages as its committed text plus the edits made to it.
set -euo pipefail
nbstripout="${1:-.venv/bin/nbstripout}"
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
flags="--keep-id --drop-tagged-cells injected-parameters"
git config filter.nbstripout.clean "$(q "$nbstripout") $flags"
git config filter.nbstripout.smudge cat
# A notebook is never committed unfiltered: if the filter cannot run, `git add` fails and says so.
git config filter.nbstripout.required true
git config filter.nbstripout.extrakeys "metadata.papermill cell.metadata.papermill metadata.mmsim.run"
git config diff.ipynb.textconv "$(q "$nbstripout") -t $flags"
