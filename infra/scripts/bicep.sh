#!/usr/bin/env bash
# The Bicep compiler for this repository: build and lint infra/main.bicep, or print the compiler.
#
#   infra/scripts/bicep.sh check            build + lint infra/main.bicep; fails on any diagnostic
#   infra/scripts/bicep.sh build OUT.json   compile infra/main.bicep to ARM JSON
#   infra/scripts/bicep.sh path             print the bicep executable it uses (restoring it if needed)
#
# Which compiler: $BICEP if set; in CI (CI=true) or with BICEP_RESTORE=1 always the pinned
# NuGet package Azure.Bicep.CommandLine.<rid> $BICEP_VERSION, restored with `dotnet restore`
# into node_modules/.cache/bicep; otherwise `bicep` on PATH, then the one `az bicep install`
# keeps in ~/.azure/bin, then the pinned package. No compiler at all is an error, never a pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="${BICEP_VERSION:-0.49.2}"
template="$root/infra/main.bicep"

rid() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=osx ;;
    *) echo "bicep.sh: unsupported OS $(uname -s); set BICEP to a bicep executable" >&2; exit 2 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "bicep.sh: unsupported CPU $(uname -m); set BICEP to a bicep executable" >&2; exit 2 ;;
  esac
  echo "$os-$arch"
}

restored() {
  local runtime cache package exe
  runtime="$(rid)"
  cache="$root/node_modules/.cache/bicep"
  package="Azure.Bicep.CommandLine.$runtime"
  exe="$cache/packages/$(echo "$package" | tr '[:upper:]' '[:lower:]')/$version/tools/bicep"
  if [[ ! -x "$exe" ]]; then
    if ! command -v dotnet > /dev/null; then
      echo "bicep.sh: no bicep compiler: install the .NET SDK (to restore $package $version)," >&2
      echo "  the Bicep CLI (bicep on PATH), or the Azure CLI's (az bicep install)" >&2
      exit 2
    fi
    mkdir -p "$cache"
    echo "bicep.sh: restoring $package $version from NuGet" >&2
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
      dotnet restore "$root/infra/scripts/bicep-restore.csproj" \
      --packages "$cache/packages" -p:BicepVersion="$version" -p:BicepRuntime="$runtime" \
      -p:BaseIntermediateOutputPath="$cache/obj/" -p:MSBuildProjectExtensionsPath="$cache/obj/" \
      > "$cache/restore.log" 2>&1 || {
      cat "$cache/restore.log" >&2
      echo "bicep.sh: dotnet restore of $package $version failed" >&2
      exit 2
    }
    # NuGet extracts files without the execute bit.
    chmod +x "$exe"
  fi
  echo "$exe"
}

compiler() {
  if [[ -n "${BICEP:-}" ]]; then
    echo "$BICEP"
  elif [[ "${CI:-}" == "true" || "${BICEP_RESTORE:-}" == "1" ]]; then
    restored
  elif command -v bicep > /dev/null; then
    command -v bicep
  elif [[ -x "$HOME/.azure/bin/bicep" ]]; then
    echo "$HOME/.azure/bin/bicep"
  else
    restored
  fi
}

# Runs bicep and fails if it printed any diagnostic (a warning is a finding too).
strict() {
  local log status
  log="$(mktemp)"
  status=0
  "$@" 2> "$log" || status=$?
  if [[ -s "$log" ]]; then
    cat "$log" >&2
    status=${status/#0/1}
  fi
  rm -f "$log"
  return "$status"
}

command="${1:-check}"
case "$command" in
  path)
    compiler
    ;;
  build)
    out="${2:?usage: bicep.sh build OUT.json}"
    exe="$(compiler)"
    strict "$exe" build "$template" --outfile "$out"
    ;;
  check)
    exe="$(compiler)"
    echo "bicep: $("$exe" --version)"
    out="$(mktemp -d)"
    strict "$exe" build "$template" --outdir "$out"
    strict "$exe" lint "$template"
    rm -rf "$out"
    echo "bicep: infra/main.bicep builds and lints with no diagnostics"
    ;;
  *)
    echo "usage: bicep.sh [check | build OUT.json | path]" >&2
    exit 2
    ;;
esac
