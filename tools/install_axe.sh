#!/bin/sh
# Install the browser tests' accessibility engine, axe-core, at the version pinned in package.json /
# package-lock.json, into node_modules/ (npm ci: exactly the lock file, no install scripts run).
# Called by the Makefile before the tests (`make test`, `make test-site`, `make test-browser`); a second
# run is a no-op. Without npm, the tests that need axe skip with the reason, except where they are
# required (CI=true or D2L_REQUIRE_BROWSER=1): then this script fails (.ci/run installs Debian's npm).
set -eu
AXE=node_modules/axe-core
WANT=$(sed -n 's/.*"axe-core": *"\([0-9.]*\)".*/\1/p' package.json)
if [ -f "$AXE/axe.min.js" ] && grep -q "\"version\": \"$WANT\"" "$AXE/package.json" 2>/dev/null; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ] || [ "${D2L_REQUIRE_BROWSER:-}" = "1" ]; then
        echo "error: npm is missing: the browser tests need axe-core $WANT (package.json); install nodejs and npm" >&2
        exit 1
    fi
    echo "==> npm is missing: the accessibility audits will be skipped (install nodejs and npm to run them)"
    exit 0
fi
echo "==> Installing axe-core $WANT for the browser tests (npm ci, package-lock.json)"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
