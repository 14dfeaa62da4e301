"""Executes one notebook through its kernel with nbclient (Jupyter's own execution machinery).

usage: python scripts/execute_notebook.py INPUT OUTPUT --cwd DIR [--timeout SECONDS] [--watch-stdin]

The kernel starts in DIR (the notebook's own folder, where its imports resolve). The executed notebook is written to
OUTPUT, also when a cell fails (up to and including that cell). The last line on stdout is one JSON object:
{"ok": true} or {"ok": false, "cell": INDEX, "ename": ..., "evalue": ..., "traceback": ...}.

It dies with whoever started it, and takes its kernel along: on SIGTERM or SIGINT, and, given --watch-stdin, when its
stdin reaches end of file (mmsim keeps a pipe open there and never writes to it, so the pipe closes when mmsim exits,
even by kill -9). The kernel runs in its own session (jupyter_client starts it so) and is killed as a process group;
mmsim's kernel also exits on its own when this process is gone (JPY_PARENT_PID).
"""
import argparse
import json
import os
import re
import signal
import sys
import threading

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def clean(text):
    return ANSI.sub("", text or "")


def describe_error(nb, index, error):
    """What failed in cell `index`. tslab reports a cell's exception on stderr rather than as an error output, so the
    message is taken from the reply (ename, evalue) and, when that is empty, from the cell's last stderr lines."""
    cell = nb.cells[index] if 0 <= index < len(nb.cells) else {"outputs": []}
    stderr = "".join(
        "".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    ename = clean(getattr(error, "ename", "")) or (errors[0].get("ename", "") if errors else "")
    evalue = clean(getattr(error, "evalue", "")) or (errors[0].get("evalue", "") if errors else "")
    traceback = "\n".join(clean(line) for line in (errors[0].get("traceback", []) if errors else [])) or clean(stderr)
    if not evalue:
        # The first line that looks like "SomeError: message" in the kernel's stderr.
        match = re.search(r"^(\w*Error|\w*Exception)\b:? ?(.*)$", clean(stderr), re.MULTILINE)
        if match:
            ename, evalue = match.group(1), match.group(2)
        elif stderr.strip():
            # A compile (type) error: tslab prints "line:col - message" lines and names the error "<Error>".
            ename, evalue = "TypeScript error", clean(stderr).strip().splitlines()[0]
    return {"cell": index, "ename": ename or "Error", "evalue": evalue, "traceback": traceback.strip()}


def stop_with_kernel(client, status):
    """Kills the kernel's process group, removes its connection file, and exits at once."""
    km = getattr(client, "km", None)
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None:
        try:
            os.killpg(os.getpgid(process.pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        km.cleanup_connection_file()
    except Exception:
        pass
    os._exit(status)


def die_with_parent(client, watch_stdin):
    """Stops on SIGTERM and SIGINT, and when stdin closes (the parent is gone) if told to watch it."""
    def watch():
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except Exception:
            pass
        stop_with_kernel(client, 1)

    if watch_stdin:
        threading.Thread(target=watch, daemon=True).start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop_with_kernel(client, 128 + signum))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--watch-stdin", action="store_true", help="stop, with the kernel, when stdin closes")
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=args.timeout, startup_timeout=120, resources={"metadata": {"path": args.cwd}}
    )
    current = {"cell": -1}

    def on_cell_start(cell, cell_index):
        current["cell"] = cell_index

    client.on_cell_start = on_cell_start
    die_with_parent(client, args.watch_stdin)
    result = {"ok": True}
    try:
        client.execute()
    except NoSuchKernel:
        result = {"ok": False, "cell": -1, "ename": "NoSuchKernel", "evalue": f"kernel '{kernel}' is not registered in .venv: run `npm run setup`", "traceback": ""}
    except CellTimeoutError as e:
        result = {"ok": False, "cell": current["cell"], "ename": "CellTimeoutError", "evalue": f"the cell ran longer than {args.timeout} s", "traceback": ""}
    except DeadKernelError as e:
        result = {"ok": False, "cell": current["cell"], "ename": "DeadKernelError", "evalue": f"the kernel died: {e}", "traceback": ""}
    except CellExecutionError as e:
        result = {"ok": False, **describe_error(nb, current["cell"], e)}
    nbformat.write(nb, args.output)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
