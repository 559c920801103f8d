#!/usr/bin/env python3
"""Exports the detection benchmark model (BenchmarkDotNet in bench/; NOT run in CI).

Usage: /usr/bin/python3 scripts/export_detection_bench.py [--out bench/models]

torchvision retinanet_resnet50_fpn(num_classes=91), random init with randomized batch-norm statistics (seeded),
input 1x3x384x384. The ONNX graph is backbone + FPN + head (what the generated RunHeads computes): outputs
"cls_logits" [1, A, 91] and "bbox_regression" [1, A, 4]. Post-processing (decode + NMS) is benchmarked separately.
Writes retinanet_r50.safetensors, retinanet_r50.onnx and retinanet_r50.io.safetensors into --out (git-ignored).
"""
import argparse
import os
import sys

import torch
from torchvision.models.detection import retinanet_resnet50_fpn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from safetensors_io import save_file  # noqa: E402
from make_network_fixtures import randomize_bn, state_dict_tensors  # noqa: E402


class HeadsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.backbone, self.head = model.backbone, model.head

    def forward(self, x):
        out = self.head(list(self.backbone(x).values()))
        return out["cls_logits"], out["bbox_regression"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "bench", "models"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2004)
    torch.set_num_threads(2)
    model = randomize_bn(retinanet_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91)).eval()
    heads = HeadsOnly(model).eval()
    x = torch.randn(1, 3, 384, 384)
    with torch.no_grad():
        cls, box = heads(x)
        torch.onnx.export(heads, x, os.path.join(out, "retinanet_r50.onnx"), opset_version=13, input_names=["input"],
                          output_names=["cls_logits", "bbox_regression"], do_constant_folding=True)
    save_file(state_dict_tensors(model), os.path.join(out, "retinanet_r50.safetensors"))
    save_file({"input": x, "cls_logits": cls[0].contiguous(), "bbox_regression": box[0].contiguous()},
              os.path.join(out, "retinanet_r50.io.safetensors"))
    print(f"retinanet_r50: {cls.shape[1]} anchors -> {out}")


if __name__ == "__main__":
    main()
