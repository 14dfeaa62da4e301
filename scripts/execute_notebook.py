"""Executes one notebook through its kernel with nbclient (Jupyter's own execution machinery).

usage: python scripts/execute_notebook.py INPUT OUTPUT --cwd DIR [--timeout SECONDS]

The kernel starts in DIR (the notebook's own folder, where its imports resolve). The executed notebook is written to
OUTPUT, also when a cell fails (up to and including that cell). The last line on stdout is one JSON object:
{"ok": true} or {"ok": false, "cell": INDEX, "ename": ..., "evalue": ..., "traceback": ...}.
"""
import argparse
import json
import re
import sys

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def first_error(nb):
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                tb = "\n".join(ANSI.sub("", line) for line in out.get("traceback", []))
                return {"cell": i, "ename": out.get("ename", ""), "evalue": ANSI.sub("", out.get("evalue", "")), "traceback": tb}
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=args.timeout, startup_timeout=120, resources={"metadata": {"path": args.cwd}}
    )
    result = {"ok": True}
    try:
        client.execute()
    except NoSuchKernel:
        result = {"ok": False, "cell": -1, "ename": "NoSuchKernel", "evalue": f"kernel '{kernel}' is not registered in .venv: run `npm run setup`", "traceback": ""}
    except CellTimeoutError as e:
        result = {"ok": False, "cell": -1, "ename": "CellTimeoutError", "evalue": f"a cell ran longer than {args.timeout} s: {e}", "traceback": ""}
    except DeadKernelError as e:
        result = {"ok": False, "cell": -1, "ename": "DeadKernelError", "evalue": f"the kernel died: {e}", "traceback": ""}
    except CellExecutionError as e:
        result = {"ok": False, **(first_error(nb) or {"cell": -1, "ename": "CellExecutionError", "evalue": str(e), "traceback": ""})}
    nbformat.write(nb, args.output)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
