#!/usr/bin/env python3
"""Exports the benchmark models (BenchmarkDotNet in bench/; NOT run in CI).

Usage: /usr/bin/python3 scripts/export_bench_models.py [--out bench/models] [--models resnet18 ...]
Needs: python3-torch, python3-torchvision (Debian). Optional: python3-onnx (checker), python3-opencv
(cross-checks the exported ONNX file by running it with cv2.dnn).

fcos_fashion (the FashionDetection sample's FCOS detector, 128x128, its committed weights): only the ONNX graph of
backbone + FPN + head (what FashionDetector.RunHeads computes), outputs cls_logits [1,341,10], bbox_regression
[1,341,4], bbox_ctrness [1,341,1], written as fcos_fashion.onnx (the weights are the sample's safetensors file).

deeplabv3_mobilenet_v3_large: torchvision.models.segmentation's builder, 21 classes, no auxiliary classifier, its
"out" logits [1,21,224,224] as "output" (the ONNX graph returns only that).

For each of resnet18, mobilenet_v2, resnet50, mobilenet_v3_large, efficientnet_b0: torchvision random init (seeded), num_classes=1000,
every BatchNorm2d randomized exactly as in scripts/fixtures/make_network_fixtures.py
(running_mean ~ N(0,0.1), running_var ~ U(0.5,1.5), weight ~ U(0.5,1.5), bias ~ N(0,0.1)),
eval mode, input 1x3x224x224. Writes into --out (git-ignored):
  <name>.safetensors     state_dict, torchvision names (F32, num_batches_tracked I64)
  <name>.onnx            torch.onnx.export, opset 13, input "input" [1,3,224,224], output "output"
                         [1,1000], static shapes, constant folding on (BN folded by the exporter)
  <name>.io.safetensors  "input" [1,3,224,224] ~ N(0,1) and "output" [1,1000] = model(input)
                         (PyTorch eval mode), so the benchmark can sanity-check both engines.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from safetensors_io import save_file  # noqa: E402
from make_network_fixtures import randomize_bn, state_dict_tensors  # noqa: E402

MODELS = {"resnet18": 2001, "mobilenet_v2": 2002, "resnet50": 2003, "mobilenet_v3_large": 2005, "efficientnet_b0": 2006,
          "deeplabv3_mobilenet_v3_large": 2007, "fcos_fashion": 0}
SHAPE = (1, 3, 224, 224)


def check_onnx(path, x, y, name):
    """Best-effort validation of the exported file; returns a short status string."""
    notes = []
    try:
        import onnx
        onnx.checker.check_model(onnx.load(path))
        notes.append(f"onnx.checker ok (onnx {onnx.__version__})")
    except ImportError:
        notes.append("onnx package not installed (checker skipped)")
    try:
        import cv2
        net = cv2.dnn.readNetFromONNX(path)
        net.setInput(x)
        out = net.forward()
        err = float(np.abs(out - y).max())
        tol = 1e-4 * float(np.abs(y).max()) + 1e-5
        notes.append(f"cv2.dnn max|y-ref|={err:.2e} (tol {tol:.2e}) {'ok' if err <= tol else 'MISMATCH'}")
    except ImportError:
        notes.append("cv2 not installed (numeric check skipped)")
    except Exception as e:  # OpenCV's ONNX importer may not support every op
        # Known: OpenCV 4.6's importer rejects opset>=11 Clip (min/max as inputs), which is how
        # ReLU6 (MobileNetV2) is exported; ONNX Runtime supports it. Not an export error.
        notes.append(f"cv2.dnn could not import it ({type(e).__name__}; OpenCV's ONNX importer "
                     "lacks some ops, e.g. opset-13 Clip from ReLU6) - numeric check skipped")
    return "; ".join(notes)


class _MainOutput(torch.nn.Module):
    """A torchvision segmentation model returning only its "out" logits."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


class _FcosHeads(torch.nn.Module):
    """Backbone + FPN + head of torchvision's FCOS, without the transform and the post-processing."""

    def __init__(self, model):
        super().__init__()
        self.backbone, self.head = model.backbone, model.head

    def forward(self, x):
        out = self.head(list(self.backbone(x).values()))
        return out["cls_logits"], out["bbox_regression"], out["bbox_ctrness"]


def export_fcos(out_dir):
    """The FashionDetection sample's detector (committed weights) as an ONNX graph of its heads."""
    from safetensors_io import load_file  # noqa: E402
    sys.path.insert(0, HERE)
    from train_fashion_detector import make_model  # noqa: E402
    model, _, _ = make_model()
    sd = model.state_dict()
    loaded, _ = load_file(os.path.join(ROOT, "samples", "FashionDetection", "model", "fcos_fashion.safetensors"))
    model.load_state_dict({k: torch.from_numpy(np.array(v)).to(sd[k].dtype) for k, v in loaded.items()}, strict=True)
    heads = _FcosHeads(model).eval()
    torch.manual_seed(2004)
    x = torch.rand(1, 3, 128, 128)
    path = os.path.join(out_dir, "fcos_fashion.onnx")
    with torch.no_grad():
        torch.onnx.export(heads, x, path, opset_version=13, input_names=["input"],
                          output_names=["cls_logits", "bbox_regression", "bbox_ctrness"], do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL, export_params=True)
    return {"input_shape": [1, 3, 128, 128], "bytes": {".onnx": os.path.getsize(path)}}


def main():
    ap = argparse.ArgumentParser(description="Export benchmark models (safetensors + ONNX)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/models"))
    ap.add_argument("--models", nargs="*", default=list(MODELS), choices=list(MODELS))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    summary = {}
    if os.path.exists(manifest_path):  # keep entries of models not re-exported this run
        with open(manifest_path) as f:
            summary = json.load(f).get("models", {})
    for name in args.models:
        t0 = time.time()
        if name == "fcos_fashion":
            summary[name] = export_fcos(args.out)
            print(f"{name:14s} {time.time() - t0:5.1f} s  {summary[name]}", flush=True)
            continue
        torch.manual_seed(MODELS[name])
        if name.startswith("deeplabv3_"):
            seg = getattr(torchvision.models.segmentation, name)(num_classes=21, aux_loss=False, weights_backbone=None)
            randomize_bn(seg)
            model = _MainOutput(seg)
        else:
            model = getattr(torchvision.models, name)(num_classes=1000)
            randomize_bn(model)
        model.eval()
        x = torch.randn(*SHAPE)
        with torch.no_grad():
            y = model(x).contiguous()
        meta = {"model": name, "num_classes": int(y.shape[1]), "seed": MODELS[name],
                "torch_version": torch.__version__, "torchvision_version": torchvision.__version__}
        save_file(state_dict_tensors(model.model if isinstance(model, _MainOutput) else model),
                  os.path.join(args.out, f"{name}.safetensors"), metadata=meta)
        save_file({"input": x, "output": y}, os.path.join(args.out, f"{name}.io.safetensors"), metadata=meta)
        onnx_path = os.path.join(args.out, f"{name}.onnx")
        with torch.no_grad():
            torch.onnx.export(model, x, onnx_path, opset_version=13, input_names=["input"],
                              output_names=["output"], do_constant_folding=True,
                              training=torch.onnx.TrainingMode.EVAL, export_params=True)
        status = check_onnx(onnx_path, x.numpy(), y.numpy(), name)
        sizes = {ext: os.path.getsize(os.path.join(args.out, f"{name}{ext}"))
                 for ext in (".safetensors", ".onnx", ".io.safetensors")}
        summary[name] = {"seed": MODELS[name], "input_shape": list(SHAPE), "output_shape": list(y.shape),
                         "bytes": sizes, "onnx_check": status}
        print(f"{name:14s} {time.time() - t0:5.1f} s  sizes {sizes}\n  {status}", flush=True)
    with open(manifest_path, "w") as f:
        json.dump({"torch_version": torch.__version__, "opset": 13, "models": summary}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
