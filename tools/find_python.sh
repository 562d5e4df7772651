#!/bin/sh
# Print the path of a Python interpreter for an edition of the course, or explain what is needed and fail.
# Usage: tools/find_python.sh mxnet|pytorch       (PYTHON=<interpreter> in the environment picks one)
#   mxnet:   Python 3.11 (MXNet 1.9.1 has no wheels for newer Pythons and needs numpy 1.23.x)
#   pytorch: Python 3.11, 3.12 or 3.13
# With --quiet, fail without the explanation.
FRAMEWORK=${1:-mxnet}
QUIET=${2:-}
case "$FRAMEWORK" in
    mxnet) ACCEPT="3.11"; CANDIDATES="python3.11 python3" ;;
    pytorch) ACCEPT="3.11 3.12 3.13"; CANDIDATES="python3 python3.13 python3.12 python3.11" ;;
    *) echo "FRAMEWORK must be mxnet or pytorch, got '$FRAMEWORK'" >&2; exit 2 ;;
esac
accepts() {  # the interpreter $1 runs and its version is one of $ACCEPT
    v=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
    for a in $ACCEPT; do [ "$v" = "$a" ] && return 0; done
    return 1
}
if [ -n "${PYTHON:-}" ]; then
    path=$(command -v "$PYTHON" 2>/dev/null) || path=""
    if [ -n "$path" ] && accepts "$path"; then
        echo "$path"
        exit 0
    fi
    [ -n "$QUIET" ] && exit 1
    if [ -z "$path" ]; then
        echo "PYTHON=$PYTHON: no such interpreter on PATH" >&2
    elif ! "$path" -c pass >/dev/null 2>&1; then
        echo "PYTHON=$PYTHON ($path) does not run here (a pyenv shim for a version that is not active?)" >&2
    else
        echo "PYTHON=$PYTHON is Python $("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); the $FRAMEWORK edition needs Python $(echo $ACCEPT | sed 's/ /, /g')" >&2
    fi
    exit 1
fi
for candidate in $CANDIDATES; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if accepts "$path"; then
        echo "$path"
        exit 0
    fi
done
[ -n "$QUIET" ] && exit 1
if [ "$FRAMEWORK" = mxnet ]; then
cat >&2 <<'MSG'
The MXNet edition of this course needs Python 3.11 (as python3.11 or python3 on PATH).
MXNet 1.9.1, the last MXNet release, has no wheels for Python 3.12 or newer and
needs numpy 1.23.x, which does not support newer Pythons either.
Install Python 3.11 (for example with pyenv, or your system's python3.11 package) and run
the make command again, or use the PyTorch edition: make lab FRAMEWORK=pytorch
MSG
else
cat >&2 <<'MSG'
The PyTorch edition of this course needs Python 3.11, 3.12 or 3.13 (python3 on PATH, or
PYTHON=<interpreter>). Install one of them and run the make command again.
MSG
fi
exit 1
