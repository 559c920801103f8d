#!/usr/bin/env python3
"""Trains the Fashion-MNIST CNN the FashionMnist sample runs, and writes its PyTorch reference.

Usage: /usr/bin/python3 scripts/train_fashion_mnist.py [--epochs 3] [--data DIR] [--out DIR]
Run once by hand; its outputs are committed (not run in CI).

Network (module names are the safetensors names the C# sample binds to):
  nn.Sequential(
    0 Conv2d(1,32,3,padding=1,bias=False), 1 BatchNorm2d(32), 2 ReLU(),
    3 Conv2d(32,32,3,padding=1,bias=False), 4 BatchNorm2d(32), 5 ReLU(), 6 MaxPool2d(2),
    7 Conv2d(32,64,3,padding=1,bias=False), 8 BatchNorm2d(64), 9 ReLU(), 10 MaxPool2d(2),
    11 Flatten(), 12 Linear(64*7*7,128), 13 ReLU(), 14 Linear(128,10))
Input: 1x28x28 float, x = (pixel/255 - 0.2860) / 0.3530.
Training: Adam lr 1e-3, batch 128, fixed seed, 2 CPU threads.

Writes into --out (default samples/FashionMnist/model/):
  fashion_cnn.safetensors   state_dict of the eval-mode model (F32; num_batches_tracked I64)
  pytorch_reference.json    {"test_accuracy", "mean", "std", "classes", "epochs", "torch_version", ...}
                            test_accuracy = fraction correct on all 10,000 t10k images, eval mode
  pytorch_predictions.bin   10,000 bytes: argmax class of each t10k image, in file order
and copies the two t10k .gz files into --data-out (default samples/FashionMnist/data/) with `cp`.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
from safetensors_io import save_file  # noqa: E402

MEAN, STD = 0.2860, 0.3530
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SEED = 20240601


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    assert magic >> 8 == 0x08, f"{path}: not unsigned-byte IDX (magic {magic:#x})"
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def preprocess(images_u8):
    x = torch.from_numpy(images_u8.astype(np.float32) / 255.0)
    return ((x - MEAN) / STD).unsqueeze(1).contiguous()  # N,1,28,28


def predict(model, x, batch=1000):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out.append(model(x[i:i + batch]).argmax(1))
    return torch.cat(out)


def main():
    ap = argparse.ArgumentParser(description="Train the Fashion-MNIST sample CNN")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", default=os.path.join(ROOT, "samples/FashionMnist/model"))
    ap.add_argument("--data-out", default=os.path.join(ROOT, "samples/FashionMnist/data"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    np.random.seed(SEED)

    xtr = preprocess(read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")))
    ytr = torch.from_numpy(read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xte = preprocess(read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")))
    yte = torch.from_numpy(read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    assert xtr.shape == (60000, 1, 28, 28) and xte.shape == (10000, 1, 28, 28)
    print(f"train {tuple(xtr.shape)} mean {xtr.mean():.4f} std {xtr.std():.4f}")

    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    t_start = time.time()
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        total, n = 0.0, 0
        for i in range(0, xtr.shape[0], 128):
            idx = perm[i:i + 128]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += float(loss) * idx.numel()
            n += idx.numel()
        acc = float((predict(model, xte) == yte).float().mean())
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / n:.4f}  test acc {acc:.4f}  "
              f"({time.time() - t0:.0f} s)", flush=True)
    train_s = time.time() - t_start

    model.eval()
    pred = predict(model, xte)
    acc = int((pred == yte).sum()) / int(yte.numel())  # exact fraction, not a float32 mean
    os.makedirs(args.out, exist_ok=True)
    sd = {k: (v.float() if v.is_floating_point() else v.long()) for k, v in model.state_dict().items()}
    save_file(sd, os.path.join(args.out, "fashion_cnn.safetensors"),
              metadata={"model": "fashion_cnn", "mean": MEAN, "std": STD, "epochs": args.epochs,
                        "torch_version": torch.__version__})
    pred_bytes = pred.to(torch.uint8).numpy().tobytes()
    assert len(pred_bytes) == 10000
    with open(os.path.join(args.out, "pytorch_predictions.bin"), "wb") as f:
        f.write(pred_bytes)
    ref = {
        "test_accuracy": acc,
        "test_correct": int((pred == yte).sum()),
        "test_count": int(yte.numel()),
        "mean": MEAN,
        "std": STD,
        "classes": CLASSES,
        "epochs": args.epochs,
        "batch_size": 128,
        "optimizer": "Adam(lr=1e-3)",
        "seed": SEED,
        "train_seconds": round(train_s, 1),
        "threads": args.threads,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "weights": "fashion_cnn.safetensors",
        "predictions": "pytorch_predictions.bin (uint8 argmax per t10k image, file order)",
    }
    with open(os.path.join(args.out, "pytorch_reference.json"), "w") as f:
        json.dump(ref, f, indent=2)
        f.write("\n")

    os.makedirs(args.data_out, exist_ok=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        subprocess.run(["cp", os.path.join(args.data, name), os.path.join(args.data_out, name)], check=True)
    print(f"test accuracy {acc:.4f} ({ref['test_correct']}/10000), trained {train_s:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
