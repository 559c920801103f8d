#!/usr/bin/env bash
# Installs what the reference scripts need from Debian: PyTorch, torchvision, OpenCV, scikit-image, scikit-learn
# and the Fashion-MNIST data set; and clang/lld, which NativeAOT links with (scripts/ci-native-sample.sh).
# Idempotent: skips apt when everything is already there.
set -euo pipefail
if /usr/bin/python3 -c "import torch, torchvision, cv2, skimage, sklearn" 2>/dev/null && [ -d /usr/share/datasets/fashion-mnist ] \
   && command -v clang >/dev/null && command -v ld.lld >/dev/null; then
  exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# With recommends, as the packages were installed when the fixtures were written and tested.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
  python3-torch python3-torchvision python3-opencv python3-skimage python3-sklearn python3-numpy dataset-fashion-mnist \
  clang lld zlib1g-dev >/dev/null
