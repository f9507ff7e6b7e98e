"""Executes one notebook with Jupyter's own client (nbclient), cell by cell.

Usage: python3 execute.py IN.ipynb OUT.ipynb --cwd DIR [--kernel tslab] [--timeout SECONDS]

Run by scripts/notebooks.ts, which sets JUPYTER_PATH (the project kernelspec) and GENLAB_PROFILE.
Writes OUT only when every cell succeeded. On a failing cell prints one JSON line
`{"cell": N, "error": "..."}` (N counts code cells from 1, `index` is the position among all
cells) to stdout and exits 1. Progress lines go to stderr.
"""
import argparse
import json
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:  # pragma: no cover - reported by the caller
    print(json.dumps({"missing": str(e)}))
    sys.exit(3)


def output_text(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            parts.append("%s: %s" % (o.get("ename", ""), o.get("evalue", "")))
        elif o.get("output_type") == "stream" and o.get("name") == "stderr":
            parts.append(o.get("text", ""))
    return "\n".join(p.strip() for p in parts if p.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--cwd", required=True)
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=1800)
    args = ap.parse_args()

    nb = nbformat.read(args.src, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=120,
        allow_errors=False,
        resources={"metadata": {"path": args.cwd}},
    )
    code_number = 0
    with client.setup_kernel(cwd=args.cwd):
        msg_id = client.kc.kernel_info()
        info = client.wait_for_reply(msg_id)
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_number += 1
            started = time.time()
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                detail = output_text(cell) or str(e).strip()
                if isinstance(e, CellTimeoutError):
                    detail = "timed out after %ss. %s" % (args.timeout, detail)
                print(json.dumps({"cell": code_number, "index": index, "error": detail[-4000:]}))
                sys.stdout.flush()
                return 1
            print("  cell %d done in %.1fs" % (code_number, time.time() - started), file=sys.stderr)
            sys.stderr.flush()
        # What nbclient learned about the kernel (language_info) goes into the notebook.
        client.set_widgets_metadata()
    nbformat.validate(nb)
    nbformat.write(nb, args.dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
