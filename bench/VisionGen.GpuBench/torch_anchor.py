#!/usr/bin/env python3
"""PyTorch on the same GPU as the anchor of VisionGen's GPU benchmark (bench/VisionGen.GpuBench).

Prints one JSON object on its last line: median milliseconds per operation, fp32 with TF32 off, timed with CUDA events
(warm-up first; small operations repeated inside one timed sample). Keys: resnet18_b1_eager, resnet18_b32_eager
(cudnn.benchmark off, PyTorch's default), resnet18_b1_cudnn, resnet18_b32_cudnn (cudnn.benchmark on: cuDNN's fastest
algorithm per layer), blur_11x11_3x2160x3840 (torchvision gaussian_blur), batch_norm, group_norm (32 groups),
instance_norm, layer_norm (over C,H,W) on 32x256x56x56, copy_1GiB (2^28 floats device to device). On a machine without
CUDA it prints {"error": ...}. Random weights: timing does not depend on them.
"""
import json
import statistics
import sys


def main():
    try:
        import torch
        import torch.nn.functional as F
        import torchvision
        from torchvision.transforms import functional as TF
    except Exception as e:  # noqa: BLE001 - any import failure means no anchor
        print(json.dumps({"error": f"PyTorch/torchvision not importable: {e}"}))
        return
    if not torch.cuda.is_available():
        print(json.dumps({"error": "PyTorch sees no CUDA device"}))
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")

    def timed(fn, samples=30, min_ms=1.0):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record(); fn(); end.record(); torch.cuda.synchronize()
        once = max(start.elapsed_time(end), 1e-3)
        repeats = max(1, min(200, int(min_ms / once + 0.999)))
        times = []
        for _ in range(samples):
            start.record()
            for _ in range(repeats):
                fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) / repeats)
        return statistics.median(times)

    out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
    with torch.inference_mode():
        model = torchvision.models.resnet18().eval().to(dev)
        x1 = torch.randn(1, 3, 224, 224, device=dev)
        x32 = torch.randn(32, 3, 224, 224, device=dev)
        for mode, bench in (("eager", False), ("cudnn", True)):
            torch.backends.cudnn.benchmark = bench
            out[f"resnet18_b1_{mode}"] = timed(lambda: model(x1))
            out[f"resnet18_b32_{mode}"] = timed(lambda: model(x32))
        torch.backends.cudnn.benchmark = False

        img = torch.rand(3, 2160, 3840, device=dev)
        out["blur_11x11_3x2160x3840"] = timed(lambda: TF.gaussian_blur(img, [11, 11], [3.0, 3.0]))

        x = torch.randn(32, 256, 56, 56, device=dev)
        w, b = torch.rand(256, device=dev) + 0.5, torch.randn(256, device=dev) * 0.1
        mean, var = torch.randn(256, device=dev) * 0.1, torch.rand(256, device=dev) + 0.5
        lw, lb = torch.rand(256, 56, 56, device=dev) + 0.5, torch.randn(256, 56, 56, device=dev) * 0.1
        out["batch_norm"] = timed(lambda: F.batch_norm(x, mean, var, w, b, False))
        out["group_norm"] = timed(lambda: F.group_norm(x, 32, w, b))
        out["instance_norm"] = timed(lambda: F.instance_norm(x, weight=w, bias=b))
        out["layer_norm"] = timed(lambda: F.layer_norm(x, x.shape[1:], lw, lb))

        a = torch.empty(1 << 28, device=dev).uniform_()
        c = torch.empty_like(a)
        out["copy_1GiB"] = timed(lambda: c.copy_(a))
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
