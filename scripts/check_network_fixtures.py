#!/usr/bin/env python3
"""Sanity check for the files written by scripts/fixtures/make_network_fixtures.py.

Usage: /usr/bin/python3 scripts/check_network_fixtures.py [DIR=tests/fixtures/generated]

Re-reads every <case>.safetensors with our own reader (scripts/fixtures/lib/safetensors_io.py),
loads it into a freshly built model with load_state_dict(strict=True), runs <case>.io.safetensors'
input and checks the stored output is reproduced; checks the header format (u64 length, padded to
8, offsets contiguous, F32/I64 dtypes) and that resnet18_wrong is rejected for the three reasons.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from safetensors_io import load_file  # noqa: E402
import make_network_fixtures as mnf  # noqa: E402


def check_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
        size = os.fstat(f.fileno()).st_size
    assert n % 8 == 0, path
    h.pop("__metadata__", None)
    spans = sorted(tuple(v["data_offsets"]) for v in h.values())
    pos = 0
    for b, e in spans:
        assert b == pos, (path, b, pos)
        pos = e
    assert 8 + n + pos == size, (path, 8 + n + pos, size)
    for k, v in h.items():
        want = "I64" if k.endswith("num_batches_tracked") else "F32"
        assert v["dtype"] == want, (path, k, v["dtype"])


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/generated"
    torch.set_num_threads(2)
    manifest = json.load(open(os.path.join(d, "manifest.json")))
    for c in manifest["cases"]:
        name = c["name"]
        check_header(os.path.join(d, c["weights"]))
        check_header(os.path.join(d, c["io"]))
        sd, _ = load_file(os.path.join(d, c["weights"]))
        io, _ = load_file(os.path.join(d, c["io"]))
        ctor = c["constructor"].split(".")[-1]
        ctor = "custom_stack" if ctor == "Sequential" else ctor
        model, _ = mnf.build(ctor, c["constructor_args"], tuple(c["input_shape"]))
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()}, strict=True)
        model.eval()
        with torch.no_grad():
            y = model(torch.from_numpy(io["input"].copy())).numpy()
        ref = io["output"]
        err = float(np.abs(y - ref).max())
        tol = 1e-4 * float(np.abs(ref).max()) + 1e-5
        bn_var = [v for k, v in sd.items() if k.endswith("running_var")]
        assert all(v.min() >= 0.5 and v.max() <= 1.5 for v in bn_var), name
        assert np.isfinite(ref).all()
        print(f"{name:20s} ok  max|y-ref|={err:.2e} (tol {tol:.2e})  max|ref|={np.abs(ref).max():.3f}  "
              f"std(ref)={ref.std():.3f}")
        assert err <= tol, name
    sd, _ = load_file(os.path.join(d, "resnet18_wrong.safetensors"))
    import torchvision
    model = torchvision.models.resnet18(num_classes=16)
    try:
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()}, strict=True)
        raise SystemExit("resnet18_wrong unexpectedly loaded")
    except RuntimeError as e:
        msg = str(e)
        for s in ("layer1.0.conv1.weight", "fc.weight", "extra.weight"):
            assert s in msg, s
        print("resnet18_wrong       rejected by torch for all three names")
    print("all fixtures ok")


if __name__ == "__main__":
    main()
