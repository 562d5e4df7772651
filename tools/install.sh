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
echo "==> Installing the pinned packages (requirements.txt, constraints.txt)"
$PIP install -q -r requirements.txt -c constraints.txt
echo "==> Installing d2lutils in editable mode"
$PIP install -q --no-deps -e .
echo "==> Registering the notebooks' kernel 'd2l-cnn' inside $VENV"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name d2l-cnn --display-name "Python 3.11 (CNN course)" >/dev/null
echo "==> Environment ready: $("$VENV/bin/python" -c 'import mxnet, numpy; print("mxnet", mxnet.__version__, "numpy", numpy.__version__)')"
