#!/usr/bin/env bash
# Publishes tests/VisionGen.AotFallback with NativeAOT (needs clang) and runs it: GpuContext.Create must return
# Backend None with the reason instead of throwing, LoadGpu must be a clear error, and the CPU model must agree with
# PyTorch. About 2 minutes (the ILC compile), so CI runs the in-process simulation (GpuContextFallbackTests) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish tests/VisionGen.AotFallback -c Release -r linux-x64 -o "$out" >&2
"$out/VisionGen.AotFallback"
