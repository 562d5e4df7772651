#!/bin/sh
# Create the environment of one edition of the course and install its pinned packages into it.
# Usage: FRAMEWORK=mxnet|pytorch [PYTHON=<interpreter>] [VENV=<folder>] tools/install.sh
#   mxnet   -> .venv          Python 3.11, requirements.txt / constraints.txt (numpy 1.23, MXNet 1.9.1)
#   pytorch -> .venv-pytorch  Python 3.11-3.13, requirements-pytorch.txt / constraints-pytorch.txt (numpy 2, torch)
# Called by `make install` (and so by `make lab`, `make test`, ...). A second run is a no-op unless the pinned
# files, this script or the requested interpreter changed (the stamp in the venv records them).
set -eu
FRAMEWORK=${FRAMEWORK:-mxnet}
case "$FRAMEWORK" in
    mxnet) REQ=requirements.txt; CON=constraints.txt; DEFAULT_VENV=.venv; KERNEL=d2l-cnn ;;
    pytorch) REQ=requirements-pytorch.txt; CON=constraints-pytorch.txt; DEFAULT_VENV=.venv-pytorch; KERNEL=d2l-cnn-pytorch ;;
    *) echo "FRAMEWORK must be mxnet or pytorch, got '$FRAMEWORK'" >&2; exit 2 ;;
esac
VENV=${VENV:-$DEFAULT_VENV}
STAMP="$VENV/.installed"
fingerprint() {
    cat "$REQ" "$CON" pyproject.toml tools/install.sh tools/jupyterlab/overrides.json | cksum | cut -d' ' -f1
}
version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
WANT=""
if [ -n "${PYTHON:-}" ] || [ ! -x "$VENV/bin/python" ]; then
    PY=$(tools/find_python.sh "$FRAMEWORK")
    WANT=$(version_of "$PY")
fi
if [ -x "$VENV/bin/python" ]; then
    HAVE=$(version_of "$VENV/bin/python" 2>/dev/null || echo broken)
    if [ -n "$WANT" ] && [ "$HAVE" != "$WANT" ]; then
        echo "==> $VENV is Python $HAVE, Python $WANT was asked for: recreating it"
        rm -rf "$VENV"
    elif [ "$FRAMEWORK" = mxnet ] && [ "$HAVE" != 3.11 ]; then
        echo "==> $VENV is not Python 3.11: recreating it"
        rm -rf "$VENV"
    elif [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(fingerprint)" ]; then
        exit 0  # installed, and nothing changed since
    fi
fi
if [ ! -x "$VENV/bin/python" ]; then
    PY=${PY:-$(tools/find_python.sh "$FRAMEWORK")}
    echo "==> Creating $VENV for the $FRAMEWORK edition with $PY ($("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip --disable-pip-version-check"
if [ "${CI:-}" = "true" ] || [ ! -t 1 ]; then export PIP_PROGRESS_BAR=off; fi
if ! $PIP --version >/dev/null 2>&1; then  # a venv made without pip (python -m venv --without-pip)
    echo "==> $VENV has no pip: adding the one that ships with Python"
    "$VENV/bin/python" -m ensurepip --upgrade >/dev/null
fi
# pip first, at the version the constraints pin: the pip a venv starts with may be older (Debian 12's python3.11
# brings 23.0.1), and old pips cannot resolve the pinned packages' newer metadata (ResolutionImpossible).
PIP_PIN=$(grep -E '^pip==' "$CON")
echo "==> Bringing pip to the pinned version ($PIP_PIN; was $($PIP --version | cut -d' ' -f2))"
$PIP install -q "$PIP_PIN"
echo "==> Installing the pinned packages ($REQ, $CON)"
$PIP install -q -r "$REQ" -c "$CON"
echo "==> Installing d2lutils in editable mode"
$PIP install -q --no-deps -e .
PYVER=$(version_of "$VENV/bin/python")
if [ "$FRAMEWORK" = mxnet ]; then NAME="Python $PYVER (CNN course)"; else NAME="Python $PYVER (CNN course, PyTorch)"; fi
echo "==> Registering the notebooks' kernel '$KERNEL' inside $VENV"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name "$KERNEL" --display-name "$NAME" >/dev/null
# JupyterLab's settings for this environment only (never the learner's home): no news pop-up, no update check.
SETTINGS="$VENV/share/jupyter/lab/settings"
mkdir -p "$SETTINGS"
cp tools/jupyterlab/overrides.json "$SETTINGS/overrides.json"
if [ "$FRAMEWORK" = mxnet ]; then
    echo "==> Environment ready: $("$VENV/bin/python" -c 'import mxnet, numpy; print("mxnet", mxnet.__version__, "numpy", numpy.__version__)')"
else
    echo "==> Environment ready: $("$VENV/bin/python" -c 'import torch, numpy, sys; print("Python %d.%d," % sys.version_info[:2], "torch", torch.__version__, "numpy", numpy.__version__)')"
fi
fingerprint > "$STAMP"
