#!/usr/bin/env bash
# Refresh the web page's front-end libraries in service/static/vendor/ from the npm registry.
#
# Each package is fetched at the exact version pinned below with `npm pack` (no install, no scripts run),
# its tarball checked against the registry's integrity hash, and the files the page loads are copied
# unmodified, with the package's LICENSE and package.json, into service/static/vendor/<name>-<version>/.
# Older versions of the same packages are removed. Run from anywhere: scripts/vendor.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# name@version  files to copy (paths inside the package)           -- the one place versions are pinned
PACKAGES=(
  "cytoscape@3.34.4       dist/cytoscape.min.js"
  "layout-base@2.0.1      layout-base.js"
  "cose-base@2.2.0        cose-base.js"
  "cytoscape-fcose@2.2.0  cytoscape-fcose.js"
  "codemirror@5.65.21     lib/codemirror.js lib/codemirror.css mode/sparql/sparql.js addon/edit/matchbrackets.js addon/hint/show-hint.js addon/hint/show-hint.css"
)
VENDOR=service/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for entry in "${PACKAGES[@]}"; do
  read -r spec files <<<"$entry"
  name=${spec%@*} version=${spec##*@}
  echo "vendor: $name $version"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball="$work/$name-$version.tgz"
  expected=$(npm view --silent "$spec" dist.integrity)
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$expected" != "$actual" ]; then
    echo "vendor: $spec integrity mismatch ($actual != $expected)" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar xzf "$tarball" -C "$work/$name"
  rm -rf "$VENDOR/$name"-[0-9]*
  target="$VENDOR/$name-$version"
  mkdir -p "$target"
  for file in LICENSE package.json $files; do
    mkdir -p "$target/$(dirname "$file")"
    cp "$work/$name/package/$file" "$target/$file"
  done
done
