#!/usr/bin/env bash
# Writes every PyTorch/OpenCV reference fixture the tests read (git-ignored; regenerated here).
set -euo pipefail
cd "$(dirname "$0")/.."
for s in scripts/fixtures/*.py; do
  [ -e "$s" ] || continue
  /usr/bin/python3 "$s" --out tests/fixtures/generated
done
