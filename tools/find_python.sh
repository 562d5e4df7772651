#!/bin/sh
# Print the path of a Python 3.11 interpreter, or explain what is needed and fail.
for candidate in python3.11 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        echo "$path"
        exit 0
    fi
done
cat >&2 <<'MSG'
This course needs Python 3.11 (as python3.11 or python3 on PATH).
MXNet 1.9.1, the last MXNet release, has no wheels for Python 3.12 or newer and
needs numpy 1.23.x, which does not support newer Pythons either.
Install Python 3.11 (for example with pyenv, or your system's python3.11 package),
then run the make command again.
MSG
exit 1
