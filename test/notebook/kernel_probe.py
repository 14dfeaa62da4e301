"""Drives a kernel of .venv over the Jupyter protocol (jupyter_client) and prints what it sent, as one JSON object.

usage: python test/notebook/kernel_probe.py KERNEL_NAME CWD SCENARIO

Scenarios:
  run-all  three execute_requests sent at once (as JupyterLab's Run All does), the first two with top-level await
           sleeping 1.5 s, and a complete_request during the first: every status message (state, parent, time) and
           each request's reply time.
  errors   a cell that throws a plain Error, one that throws a ParamError, one that does not compile, and one that
           prints the working directory and MMSIM_* variables: each reply and the iopub messages of each cell.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

RUN_ALL = [
    "await new Promise((r) => setTimeout(r, 1500)); console.log('one');",
    "await new Promise((r) => setTimeout(r, 1500)); console.log('two');",
    "console.log('three');",
]

ERRORS = [
    'throw new Error("boom");',
    'const { ParamError } = require(process.env.MMSIM_ROOT + "/dist/src/experiments/params");\n'
    'throw new ParamError("threads", "parameter \'threads\': 0 is out of range");',
    "const x: number = 'not a number';",
    "console.log(JSON.stringify({ cwd: process.cwd(), root: process.env.MMSIM_ROOT, "
    "startedIn: process.env.MMSIM_KERNEL_STARTED_IN ?? null }));",
]


def collect(kc, until, timeout=60):
    """iopub messages until `until(msgs)` holds."""
    msgs = []
    deadline = time.time() + timeout
    while not until(msgs):
        if time.time() > deadline:
            raise TimeoutError(f"no end after {timeout} s: {[m['msg_type'] for m in msgs]}")
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            continue
        msgs.append(
            {
                "t": time.time(),
                "msg_type": m["msg_type"],
                "parent": m["parent_header"].get("msg_id"),
                "content": m["content"],
            }
        )
    return msgs


def shell_reply(kc, msg_id):
    """The reply to `msg_id` (start_new_kernel leaves its kernel_info reply in the queue)."""
    while True:
        r = kc.get_shell_msg(timeout=60)
        if r["parent_header"].get("msg_id") == msg_id:
            return r


def run_all(kc):
    start = time.time()
    ids = [kc.execute(code) for code in RUN_ALL]
    time.sleep(0.5)
    complete = kc.complete("Math.", 5)
    last = ids[-1]
    msgs = collect(
        kc,
        lambda ms: any(
            m["msg_type"] == "status" and m["parent"] == last and m["content"]["execution_state"] == "idle" for m in ms
        ),
    )
    replies = {}
    while len(replies) < len(ids) + 1:
        r = kc.get_shell_msg(timeout=30)
        if r["parent_header"].get("msg_id") in ids + [complete]:
            replies[r["parent_header"]["msg_id"]] = time.time() - start
    statuses = [
        {"t": m["t"] - start, "state": m["content"]["execution_state"], "parent": m["parent"]}
        for m in msgs
        if m["msg_type"] == "status"
    ]
    outputs = [
        {"t": m["t"] - start, "text": m["content"]["text"], "parent": m["parent"]} for m in msgs if m["msg_type"] == "stream"
    ]
    return {"executes": ids, "complete": complete, "statuses": statuses, "outputs": outputs, "replies": replies}


def errors(kc):
    cells = []
    for code in ERRORS:
        # After a failure tslab drops the requests that arrive within 200 ms (JupyterHandlerImpl.handleExecute).
        time.sleep(0.3)
        msg_id = kc.execute(code)
        reply = shell_reply(kc, msg_id)
        msgs = collect(
            kc,
            lambda ms: any(
                m["msg_type"] == "status" and m["parent"] == msg_id and m["content"]["execution_state"] == "idle"
                for m in ms
            ),
        )
        cells.append(
            {
                "reply": reply["content"],
                "iopub": [{"msg_type": m["msg_type"], "content": m["content"]} for m in msgs if m["msg_type"] != "status"],
            }
        )
    return {"cells": cells}


def main():
    kernel, cwd, scenario = sys.argv[1:4]
    km, kc = start_new_kernel(kernel_name=kernel, cwd=cwd, startup_timeout=120)
    try:
        result = {"run-all": run_all, "errors": errors}[scenario](kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
