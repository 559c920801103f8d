#!/usr/bin/env bash
# Publishes the FashionMnist sample as one NativeAOT binary and runs it on the bundled test set: the binary exits 0 only
# when its predictions agree with PyTorch's (the same check the JIT build passes in FashionMnistEndToEndTests).
# Needs clang and lld (scripts/install-deps.sh installs them). Prints how long the publish and the run took.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/fashion-mnist-native}"
start=$(date +%s)
dotnet publish samples/FashionMnist -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native -o "$out" -nologo -v:q
published=$(date +%s)
"$out/FashionMnist" --out "$out/pictures"
done_at=$(date +%s)
echo "NativeAOT sample: publish $((published - start)) s, run $((done_at - published)) s ($(du -h "$out/FashionMnist" | cut -f1) binary)"
