#!/usr/bin/env bash
# Installs what the reference scripts and the cross-target tests need: from Debian, PyTorch, torchvision, OpenCV,
# scikit-image, scikit-learn and the Fashion-MNIST data set, clang/lld (NativeAOT links with them:
# scripts/ci-native-sample.sh), and qemu-user-static with the arm64 C libraries (the linux-arm64 smoke test); from
# NuGet, the .NET 8 runtime (scripts/install-dotnet8.sh). Idempotent: skips apt when everything is already there.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
packages=()
if ! /usr/bin/python3 -c "import torch, torchvision, cv2, skimage, sklearn" 2>/dev/null || [ ! -d /usr/share/datasets/fashion-mnist ]; then
  packages+=(python3-torch python3-torchvision python3-opencv python3-skimage python3-sklearn python3-numpy dataset-fashion-mnist)
fi
if ! command -v clang >/dev/null || ! command -v ld.lld >/dev/null || [ ! -e /usr/include/zlib.h ]; then
  packages+=(clang lld zlib1g-dev)
fi
if [ ! -x /usr/bin/qemu-aarch64-static ] || [ ! -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]; then
  packages+=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
fi
if [ ${#packages[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  # With recommends, as the packages were installed when the fixtures were written and tested.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi
"$(dirname "$0")/install-dotnet8.sh"
