#!/usr/bin/env bash
# linux-arm64 smoke test under qemu-user-static: publishes tests/PackageSmoke (the Fashion-MNIST CNN, the image
# operations and depthwise convolutions) self-contained for linux-arm64 against the packages in FEED, runs it under qemu-aarch64 (NEON: the
# 128-bit paths), runs the same app on this x64 machine, and compares the files both wrote: 8-bit image outputs must
# be identical, float outputs equal to float rounding (the two machines add in different orders: 128-bit vs 512/256-bit
# vectors), and the network's predictions identical.
#
#   scripts/test-arm64.sh FEED VERSION WORKDIR      (called by scripts/test-packages.sh, which makes the feed)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
feed=$1 version=$2 work=$3
images=20
start=$SECONDS
app="$work/arm64-app"
mkdir -p "$app"
cp "$repo/tests/PackageSmoke/PackageSmoke.csproj" "$repo/tests/PackageSmoke/Program.cs" "$repo/samples/FashionMnist/FashionCnn.cs" "$repo/samples/FashionMnist/Idx.cs" "$work/app/nuget.config" "$app/"
# net10.0 only (TargetFrameworks narrowed too): restoring for a RID fetches that target's runtime pack, and the
# linux-arm64 pack is needed for one target, not both.
dotnet publish "$app" -c Release -f net10.0 -p:TargetFrameworks=net10.0 -r linux-arm64 --self-contained \
  -p:VisionGenVersion="$version" -o "$work/arm64-bin" --nologo -v q -clp:NoSummary
echo "arm64 publish: $((SECONDS - start)) s"

model="$repo/samples/FashionMnist/model" data="$repo/samples/FashionMnist/data"
t=$SECONDS
dotnet "$work/app/bin/Release/net10.0/PackageSmoke.dll" "$model" "$data" $images "$work/x64-small"
t=$SECONDS
# The emulated process runs with DOTNET_EnableWriteXorExecute=0 and DOTNET_gcConcurrent=0. With the runtime's defaults,
# under qemu 7.2 user mode, a background GC during a model's Load freed live arrays: the model's arena was collected and
# its memory reused for the next large weight array, so the run crashed (an out-of-range arena slice) or gave wrong
# predictions — 5 of 6 runs, 2026-11-30. The likely cause is in the emulation, not in this code: with W^X on, the
# runtime writes code (such as the GC write barrier it switches to software write watch when a background GC starts)
# through a second, writable mapping of the same memory, which qemu does not see, so the emulated CPU can keep running
# the barrier's old translation and the background GC misses stores into the heap. W^X off (qemu then sees the writes):
# 20 of 20 runs agreed with x64; no background GC: 30 of 30; x64 with the defaults never failed. Both together
# here, because this test checks the NEON arithmetic, not the emulator. (Earlier, one instruction per translated block,
# -singlestep, hid it in most runs but not all: it failed once in CI.) No arm64 hardware was at hand to run on metal.
DOTNET_EnableWriteXorExecute=0 DOTNET_gcConcurrent=0 \
  qemu-aarch64-static -L /usr/aarch64-linux-gnu "$work/arm64-bin/PackageSmoke" "$model" "$data" $images "$work/arm64-small"
echo "arm64 run under qemu: $((SECONDS - t)) s"

/usr/bin/python3 - "$work/x64-small" "$work/arm64-small" <<'PY'
import os, sys
import numpy as np
x64, arm = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(x64))
assert names == sorted(os.listdir(arm)), "the two runs wrote different files"
bad = []
for name in names:
    a = np.fromfile(os.path.join(x64, name), np.uint8 if name.endswith("_u8.bin") else np.float32)
    b = np.fromfile(os.path.join(arm, name), a.dtype)
    if a.dtype == np.uint8:
        diff = int(np.count_nonzero(a != b))
        print(f"{name:26s} {a.size:7d} bytes, {diff} differ")
        if diff: bad.append(name)
        continue
    scale = np.maximum(np.abs(a).astype(np.float64), 1.0)
    rel = float(np.max(np.abs(a.astype(np.float64) - b) / scale))
    same = int(np.count_nonzero(a.view(np.uint32) == b.view(np.uint32)))
    print(f"{name:26s} {a.size:7d} floats, {same} bit-identical, max |diff|/max(1,|x64|) = {rel:.2e}")
    # Logits come out of long sums (GEMM, Winograd) in another order; image operations out of short ones.
    if rel > (1e-4 if name.startswith("fashion") else 1e-5): bad.append(name)
    if name.startswith("fashion"):
        pa, pb = a.reshape(-1, 10).argmax(1), b.reshape(-1, 10).argmax(1)
        print(f"{'':26s} predictions: {int((pa == pb).sum())}/{pa.size} equal")
        if (pa != pb).any(): bad.append(name + " (predictions)")
if bad:
    sys.exit("FAIL: arm64 and x64 differ in " + ", ".join(bad))
print("arm64 (qemu) and x64 agree")
PY
echo "arm64 smoke test: $((SECONDS - start)) s"
