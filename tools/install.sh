#!/bin/sh
# Create .venv with Python 3.11 and install the pinned course environment into it.
# Called by `make install` (and so by `make lab`, `make test`, ...) when the
# requirements changed or .venv is missing; the Makefile's stamp makes a second run a no-op.
set -eu
VENV=${VENV:-.venv}
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "==> $VENV is not Python 3.11: recreating it"
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    PY=$(tools/find_python.sh)
    echo "==> Creating $VENV with $PY ($("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip --disable-pip-version-check"
if [ "${CI:-}" = "true" ] || [ ! -t 1 ]; then export PIP_PROGRESS_BAR=off; fi
if ! $PIP --version >/dev/null 2>&1; then  # a venv made without pip (python -m venv --without-pip)
    echo "==> $VENV has no pip: adding the one that ships with Python"
    "$VENV/bin/python" -m ensurepip --upgrade >/dev/null
fi
# pip first, at the version constraints.txt pins: the pip a venv starts with may be older (Debian 12's python3.11
# brings 23.0.1), and old pips cannot resolve the pinned packages' newer metadata (ResolutionImpossible).
PIP_PIN=$(grep -E '^pip==' constraints.txt)
echo "==> Bringing pip to the pinned version ($PIP_PIN; was $($PIP --version | cut -d' ' -f2))"
$PIP install -q "$PIP_PIN"
echo "==> Installing the pinned packages (requirements.txt, constraints.txt)"
$PIP install -q -r requirements.txt -c constraints.txt
echo "==> Installing d2lutils in editable mode"
$PIP install -q --no-deps -e .
echo "==> Registering the notebooks' kernel 'd2l-cnn' inside $VENV"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name d2l-cnn --display-name "Python 3.11 (CNN course)" >/dev/null
# JupyterLab's settings for this environment only (never the learner's home): no news pop-up, no update check.
SETTINGS="$VENV/share/jupyter/lab/settings"
mkdir -p "$SETTINGS"
cp tools/jupyterlab/overrides.json "$SETTINGS/overrides.json"
echo "==> Environment ready: $("$VENV/bin/python" -c 'import mxnet, numpy; print("mxnet", mxnet.__version__, "numpy", numpy.__version__)')"
