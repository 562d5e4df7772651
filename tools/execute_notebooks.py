"""Re-execute notebooks in place so that their stored outputs are fresh (`make execute`).

Usage: python tools/execute_notebooks.py [DIR_OR_NOTEBOOK ...]   (default: notebooks)

Each notebook runs top to bottom in its edition's kernel (notebooks/mxnet/: d2l-cnn, notebooks/pytorch/:
d2l-cnn-pytorch; run this with that edition's Python), in its own folder, two at a
time. A notebook that raises is reported with the failing cell and left unchanged.
"""
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import KERNELSPECS  # noqa: E402  each edition's kernel, registered in its environment by install.sh


def find_notebooks(paths):
    found = []
    for p in map(Path, paths or ["notebooks"]):
        if p.suffix == ".ipynb":
            found.append(p)
        else:
            found.extend(q for q in sorted(p.rglob("*.ipynb")) if ".ipynb_checkpoints" not in q.parts)
    return found


def coalesce_streams(outputs):
    """One stream output per run of printing: a printout that arrived in several chunks is stored as one (as nbval
    compares it), so that the stored notebook does not depend on how the kernel's output was split in time."""
    merged = []
    for out in outputs:
        if out.output_type == "stream" and merged and merged[-1].output_type == "stream" \
                and merged[-1].name == out.name:
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


def execute(path):
    """Execute one notebook in place; return (path, seconds, error message or None)."""
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    edition = next((p for p in reversed(Path(path).resolve().parts) if p in KERNELSPECS), "mxnet")
    nb.metadata["kernelspec"] = KERNELSPECS[edition]
    KERNEL = KERNELSPECS[edition]["name"]
    # IPC transport: the kernel talks over local sockets, not TCP (and says no warning about it).
    km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(Path(tempfile.mkdtemp()) / "kernel"))
    client = NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        client.execute()
    except CellExecutionError as err:
        return path, time.perf_counter() - start, str(err).strip().splitlines()[-1]
    except Exception as err:  # a kernel that died, did not start or timed out
        return path, time.perf_counter() - start, f"{type(err).__name__}: {err}".splitlines()[0]
    finally:
        if km.has_kernel:
            km.shutdown_kernel()
        shutil.rmtree(Path(km.ip).parent, ignore_errors=True)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(nb, path)
    return path, time.perf_counter() - start, None


def main(argv):
    notebooks = find_notebooks(argv)
    if not notebooks:
        print("No notebooks to execute.")
        return 0
    print(f"Executing {len(notebooks)} notebooks, two at a time...", flush=True)
    failed = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(execute, nb) for nb in notebooks]
        for done, future in enumerate(as_completed(futures), 1):
            path, seconds, error = future.result()
            status = "ok" if error is None else f"FAILED: {error}"
            print(f"[{done}/{len(notebooks)}] {path} {seconds:.1f} s {status}", flush=True)
            if error:
                failed.append(path)
    if failed:
        print(f"{len(failed)} notebook(s) failed and were left unchanged: " + ", ".join(map(str, failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
