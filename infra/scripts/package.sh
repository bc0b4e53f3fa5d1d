#!/usr/bin/env bash
# npm run package: the function app's deployment package for Linux x64, built on any machine.
# Compiles dist/, stages what the Functions host loads (dist/, host.json, package.json,
# package-lock.json) into dist/azure-package/, and installs there exactly what the lockfile pins
# (npm ci), production dependencies only, for linux-x64 glibc: sharp's native package is then
# @img/sharp-linux-x64 whatever OS runs this. Zips it to dist/azure-package.zip when zip exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/dist/azure-package"
cd "$root"

npm run build
rm -rf "$out" "$out.zip"
mkdir -p "$out"
cp -R dist/src "$out/src-dist"
mkdir -p "$out/dist"
mv "$out/src-dist" "$out/dist/src"
cp host.json package.json package-lock.json "$out/"
(cd "$out" && npm ci --omit=dev --os=linux --cpu=x64 --libc=glibc --ignore-scripts --no-audit --no-fund)
test -d "$out/node_modules/@img/sharp-linux-x64" || {
  echo "package: sharp's linux-x64 package is missing from $out" >&2
  exit 1
}
if command -v zip > /dev/null; then
  (cd "$out" && zip -qr "$out.zip" .)
  echo "package: $out.zip (deploy with: az functionapp deployment source config-zip --src $out.zip ...)"
else
  echo "package: $out (zip it to deploy; zip is not installed here)"
fi
