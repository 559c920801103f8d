#!/usr/bin/env bash
# Packs the one-command GPU check as .gpu/GpuCheck.tar.xz (git-ignored): tests/VisionGen.GpuCheck (every GPU kernel
# against the CPU kernels, every generated GPU runner against the PyTorch fixtures, launches and managed bytes per call,
# and the GPU benchmark of bench/VisionGen.GpuBench) published self-contained for linux-x64 (the GPU machine has no
# .NET), with the git-ignored PyTorch fixtures in GpuCheck/data/tests/fixtures/generated.
#
# The device run sends the checkout (tracked files, about 21 MB) plus the archive, 64 MiB at most in all, so the archive
# must stay well under 40 MB: nothing the repository tracks is packed (the device command copies the FashionDetection
# sample from the checkout), the runtime's debugger/diagnostics files are left out (libmscordaccore.so, libmscordbi.so,
# createdump, libcoreclrtraceptprovider.so: only a debugger or a crash dump needs them), so are the standalone GCs and
# the runtime assemblies the program never references (XML, networking, data, ...), and xz runs at -9. The script
# fails if the archive reaches 40 MB.
#
# On the NVIDIA machine, from the repository root of the checkout, with the archive carried along
# (run tool: carry [".gpu/GpuCheck.tar.xz"], timeout_s 560):
#   tar xJf .gpu/GpuCheck.tar.xz -C /tmp && mkdir -p /tmp/GpuCheck/data/samples && cp -r samples/FashionDetection /tmp/GpuCheck/data/samples/ && /tmp/GpuCheck/GpuCheck --out $OUT --require-cuda --time-limit 400
# It writes summary.md, summary.json, bench.md and log.txt to $OUT as it goes (a run cut short keeps what it measured).
# After 400 s no new check starts (exit code 3, the rest reported "not run"); a check that hangs for 4 minutes, or a
# run a minute past its limit, ends the process with the summary written (exit code 5). Exit code 0: all passed;
# 1: a check failed; 4: no CUDA device (with --require-cuda). GpuCheck --help lists the options (--only SECTIONS, ...).
#
# Locally (no GPU), the same archive on ILGPU's CPU accelerator, small configuration (what scripts/gpu-check.sh --verify
# does after packing):
#   /tmp/GpuCheck/GpuCheck --out /tmp/gpucheck-out --cpu --small
#
# For a Jetson-class board (linux-arm64 + CUDA): scripts/gpu-check.sh --rid linux-arm64 [--verify] packs
# .gpu/GpuCheck-linux-arm64.tar.xz; run it there with the command above and that archive name (--verify runs it here
# under qemu on the CPU accelerator).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
verify=false
rid=linux-x64
while [ $# -gt 0 ]; do
  case "$1" in
    --verify) verify=true ;;
    --rid) rid="$2"; shift ;;
    *) echo "usage: scripts/gpu-check.sh [--verify] [--rid linux-x64|linux-arm64]" >&2; exit 2 ;;
  esac
  shift
done
# linux-arm64 (a Jetson-class board: arm64 + CUDA) packs .gpu/GpuCheck-linux-arm64.tar.xz, runs the same way there; here
# the packed program runs under qemu-aarch64-static (scripts/install-deps.sh installs it), with W^X and the background
# GC off for the reason scripts/test-arm64.sh gives.
archive=GpuCheck.tar.xz
limit=300
run=()
extra=()
if [ "$rid" = linux-arm64 ]; then
  archive=GpuCheck-linux-arm64.tar.xz
  limit=1800 # emulated
  extra=(-p:VisionGenNet10Only=true) # no .NET 8 arm64 runtime pack to restore for the libraries' net8.0 target
  run=(env DOTNET_EnableWriteXorExecute=0 DOTNET_gcConcurrent=0 qemu-aarch64-static -L /usr/aarch64-linux-gnu)
elif [ "$rid" != linux-x64 ]; then
  echo "--rid: linux-x64 or linux-arm64, not $rid" >&2; exit 2
fi

if [ ! -f tests/fixtures/generated/resnet18_tiny.safetensors ] || [ ! -f tests/fixtures/generated/ops/manifest.json ] \
   || [ ! -f tests/fixtures/generated/unet.safetensors ]; then
  bash scripts/make-fixtures.sh
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# GpuCheckPackData=true puts the fixtures into the published folder (tests/VisionGen.GpuCheck/VisionGen.GpuCheck.csproj).
dotnet publish tests/VisionGen.GpuCheck/VisionGen.GpuCheck.csproj -c Release -r "$rid" --self-contained true \
  -p:InvariantGlobalization=true -p:DebugType=none -p:EmbedAllSources=false -p:GpuCheckPackData=true "${extra[@]}" -o "$stage/GpuCheck" >&2
# The runtime's debugger/diagnostics files, and the standalone GCs (loaded only when DOTNET_GCName asks for one).
for unused in libmscordaccore.so libmscordbi.so createdump libcoreclrtraceptprovider.so libclrgc.so libclrgcexp.so; do
  rm -f "$stage/GpuCheck/$unused"
done
# The runtime's assemblies outside the program's reference closure (it lists them itself: AssemblyClosure.cs); the
# device check's first check loads the whole closure, so an assembly wrongly left out is named at once.
unreferenced=$("${run[@]}" "$stage/GpuCheck/GpuCheck" --unreferenced-assemblies)
for dll in $unreferenced; do rm -f "$stage/GpuCheck/$dll"; done
echo "left out $(echo "$unreferenced" | wc -w) unreferenced runtime assemblies" >&2
mkdir -p "$root/.gpu"
rm -f "$root/.gpu/$archive"
XZ_OPT='-9' tar cJf "$root/.gpu/$archive" -C "$stage" GpuCheck
size=$(stat -c %s "$root/.gpu/$archive")
echo "packed .gpu/$archive: $size bytes ($(du -sh "$stage/GpuCheck" | cut -f1) unpacked)"
if [ "$size" -ge 40000000 ]; then
  echo "the archive is 40 MB or more: with the checkout it would not fit the device run's 64 MiB" >&2
  exit 1
fi

if $verify; then
  # As on the device, but on ILGPU's CPU accelerator in the small configuration: unpack in a fresh folder, copy the
  # sample from the checkout, run, and require the summary files.
  check=$(mktemp -d)
  trap 'rm -rf "$stage" "$check"' EXIT
  tar xJf "$root/.gpu/$archive" -C "$check"
  mkdir -p "$check/GpuCheck/data/samples" && cp -r samples/FashionDetection "$check/GpuCheck/data/samples/"
  rc=0
  (cd "$check" && "${run[@]}" ./GpuCheck/GpuCheck --out "$check/out" --cpu --small --time-limit "$limit") || rc=$?
  for f in summary.md summary.json bench.md log.txt; do
    [ -s "$check/out/$f" ] || { echo "verify: $f missing" >&2; rc=1; }
  done
  mkdir -p "$root/.gpu/verify-out" && cp "$check/out/"* "$root/.gpu/verify-out/"
  echo "verify: exit code $rc; summary in .gpu/verify-out/summary.md"
  exit $rc
fi
