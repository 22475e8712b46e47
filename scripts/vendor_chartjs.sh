#!/usr/bin/env bash
# Refresh the vendored Chart.js: bash scripts/vendor_chartjs.sh 4.6.1
#
# Takes the package from the npm registry (npm pack, no install, no build) and copies
# its minified UMD bundle and licence to static/vendor/chartjs/. Pages load the file
# from our own static files, so nothing is fetched from a CDN at runtime.
#
# The bundle's sourceMappingURL comment is dropped: the map is not vendored, and the
# production static storage (hashed file names) fails on a reference to a missing file.
set -euo pipefail

VERSION="${1:?usage: bash scripts/vendor_chartjs.sh VERSION   (for example 4.6.1)}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$ROOT/static/vendor/chartjs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "chart.js@$VERSION" >/dev/null
tar -xzf chart.js-*.tgz
PACKED_VERSION="$(node -p 'require("./package/package.json").version')"
BUNDLE="package/dist/chart.umd.min.js"
[ -f "$BUNDLE" ] || BUNDLE="package/dist/chart.umd.js"
[ -f "$BUNDLE" ] || { echo "no UMD bundle in chart.js@$PACKED_VERSION" >&2; exit 1; }

mkdir -p "$TARGET"
grep -v '^//# sourceMappingURL=' "$BUNDLE" >"$TARGET/chart.umd.min.js"
cp package/LICENSE.md "$TARGET/LICENSE.md"
printf '%s\n' "$PACKED_VERSION" >"$TARGET/VERSION"
echo "Chart.js $PACKED_VERSION -> ${TARGET#"$ROOT"/}/ (update the version in README.md's libraries table)"
