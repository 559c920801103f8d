#!/usr/bin/env python3
"""Trains the small U-Net the FashionSegmentation sample runs, and writes its PyTorch reference.

Usage: /usr/bin/python3 scripts/train_fashion_segmentation.py [--iterations 4000] [--batch 8] [--lr 2e-3] [--threads 1]
           [--train-seconds-max 540] [--background-weight 0.3] [--test-images 200] [--data DIR] [--model-out DIR]
           [--data-out DIR]
Run once by hand with Debian's torch 1.13 on CPU; outputs are committed (not run in CI). All randomness is seeded
(training may still differ in the last bits between machines, and the time budget below can end it earlier).

Dataset ("Fashion-MNIST on canvases", the FashionDetection sample's recipe on a smaller, non-square canvas):
  64 (high) x 96 (wide) grayscale canvas, background light noise round(|N(0, 4^2)|) clipped to 0..255 (uint8).
  1-4 items per canvas (uniform), each a Fashion-MNIST image resized by a scale uniform in [1.0, 1.6]
  (side round(28*scale), torch bilinear, align_corners=False, rounded to uint8), cropped to the tight box of its
  nonzero pixels and placed fully inside the canvas at a uniformly random position; a placement whose box has
  IoU > 0.3 with an already placed box is rejected (up to 50 tries, then the item is dropped). Items are
  composited with max() (train_fashion_detector.resized_item / box_iou_np are reused).
  Label map (uint8, same size): 0 = background; class + 1 (1..10) where an item's resized pixel is nonzero.
  Where two items' nonzero pixels overlap, the pixel belongs to the item whose value is larger there (the one
  the max() composite shows; on a tie, the item placed later). Training canvases are drawn on the fly from the
  TRAIN split (seed TRAIN_SEED); the held-out canvases from the t10k split (seed TEST_SEED).
  Model input: the canvas divided by 255 (float32, [1, 64, 96]).

Network (module names are the safetensors names the C# sample binds to; C = (8, 16, 32, 64, 64)):
  block(i, o)  = nn.Sequential(Conv2d(i,o,3,padding=1,bias=False), BatchNorm2d(o), ReLU,
                               Conv2d(o,o,3,padding=1,bias=False), BatchNorm2d(o), ReLU)   -> ".0", ".1", ".3", ".4"
  e1 = enc1(x)                      block(1, 8)      64x96
  e2 = enc2(max_pool2d(e1, 2))      block(8, 16)     32x48
  e3 = enc3(max_pool2d(e2, 2))      block(16, 32)    16x24
  e4 = enc4(max_pool2d(e3, 2))      block(32, 64)     8x12
  e5 = enc5(max_pool2d(e4, 2))      block(64, 64)     4x6   (whole-item context: items are up to 45 px)
  d4 = dec4(cat([up4(e5), e4], 1))  up4 = ConvTranspose2d(64, 64, 2, stride=2); block(128, 64)
  d3 = dec3(cat([up3(d4), e3], 1))  up3 = ConvTranspose2d(64, 32, 2, stride=2); block(64, 32)
  d2 = dec2(cat([up2(d3), e2], 1))  up2 = ConvTranspose2d(32, 16, 2, stride=2); block(32, 16)
  d1 = dec1(cat([interpolate(d2, scale_factor=2, mode="bilinear", align_corners=False), e1], 1))   block(24, 8)
  logits = head(d1)                 Conv2d(8, 11, 1)                               [1, 11, 64, 96]
Training: cross-entropy per pixel over all pixels, background (label 0) weighted 0.3 and the 10 classes 1 (the
  background is ~80% of the pixels and easy), AdamW (lr 2e-3, weight decay 1e-4 on weights, none on biases/norms),
  batch 8 (more updates per second than 16 for the same pixels: better within the time budget), linear warm-up 50
  iterations, then cosine decay to 0 over
  progress = max(iteration / --iterations, seconds / --train-seconds-max): training ends after --iterations or
  --train-seconds-max seconds, whichever comes first (the machine is shared, so the time budget is what holds).
  One torch thread by default (see train_fashion_detector.py: two threads can be far slower under contention).

Evaluation (independent of the C# code; the C# sample uses exactly this definition):
  prediction = argmax over the 11 logits per pixel (torch.argmax: the first index on ties), eval mode.
  Confusion matrix M[t, p] = number of pixels of the held-out canvases with ground truth t and prediction p,
  summed over ALL canvases (dataset-level, not per image).
  IoU(c) = M[c,c] / (sum_p M[c,p] + sum_t M[t,c] - M[c,c]).
  mean_iou            = mean of IoU(c) over the labels c (background 0 included) that occur in the ground truth
                        of the held-out canvases ("classes present").
  mean_iou_foreground = the same mean without label 0.
  pixel_accuracy      = trace(M) / total pixels.

Writes:
  --model-out (default samples/FashionSegmentation/model/):
    unet_fashion.safetensors   eval-mode state_dict (F32; num_batches_tracked I64)
    pytorch_reference.json     mean_iou, mean_iou_foreground, pixel_accuracy, per-label IoU, classes (11 names,
                               "background" first), confusion matrix, training facts, seeds, versions
    pytorch_labels.bin         PyTorch's predicted label per pixel, uint8, [N, 64, 96] in canvas order (row-major)
  --data-out (default samples/FashionSegmentation/data/):
    test_canvases.safetensors  images U8 [N, 64, 96], labels U8 [N, 64, 96]
"""
import argparse
import json
import math
import os
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
from safetensors_io import load_file, save_file  # noqa: E402
from train_fashion_detector import CLASSES, box_iou_np, read_idx, resized_item  # noqa: E402

LABELS = ["background"] + CLASSES
HEIGHT, WIDTH = 64, 96
CHANNELS = (8, 16, 32, 64, 64)
MODEL_SEED = 5501
TRAIN_SEED = 5502
TEST_SEED = 5503
MIN_ITEMS, MAX_ITEMS = 1, 4
MIN_SCALE, MAX_SCALE = 1.0, 1.6
MAX_PLACEMENT_IOU = 0.3
NOISE_SIGMA = 4.0
BACKGROUND_WEIGHT = 0.3


# ----------------------------------------------------------------------------------------------- data

def make_canvas(rng, images, labels):
    """One canvas: (uint8 [H, W] pixels, uint8 [H, W] label map)."""
    canvas = np.abs(rng.normal(0.0, NOISE_SIGMA, size=(HEIGHT, WIDTH))).round().clip(0, 255).astype(np.uint8)
    label_map = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    owner_value = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)  # value of the item that owns the pixel (0: none)
    boxes = []
    for _ in range(int(rng.integers(MIN_ITEMS, MAX_ITEMS + 1))):
        idx = int(rng.integers(len(images)))
        side = int(round(28 * rng.uniform(MIN_SCALE, MAX_SCALE)))
        item = resized_item(images[idx], side)
        if item is None:
            continue
        h, w = item.shape
        for _try in range(50):
            x0 = int(rng.integers(0, WIDTH - w + 1))
            y0 = int(rng.integers(0, HEIGHT - h + 1))
            box = np.array([x0, y0, x0 + w, y0 + h], dtype=np.float32)
            if boxes and box_iou_np(box, np.stack(boxes)).max() > MAX_PLACEMENT_IOU:
                continue
            region = canvas[y0:y0 + h, x0:x0 + w]
            np.maximum(region, item, out=region)
            owned = owner_value[y0:y0 + h, x0:x0 + w]
            mine = (item > 0) & (item >= owned)
            label_map[y0:y0 + h, x0:x0 + w][mine] = int(labels[idx]) + 1
            owned[mine] = item[mine]
            boxes.append(box)
            break
    return canvas, label_map


def to_input(canvases_u8):
    """uint8 [B, H, W] -> float32 [B, 1, H, W] in [0, 1] (what the C# sample feeds)."""
    return torch.from_numpy(canvases_u8.astype(np.float32) / 255.0)[:, None]


# ----------------------------------------------------------------------------------------------- model

def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, in_channels=1, classes=len(LABELS), c=CHANNELS):
        super().__init__()
        self.enc1 = block(in_channels, c[0])
        self.enc2 = block(c[0], c[1])
        self.enc3 = block(c[1], c[2])
        self.enc4 = block(c[2], c[3])
        self.enc5 = block(c[3], c[4])
        self.up4 = nn.ConvTranspose2d(c[4], c[3], 2, stride=2)
        self.dec4 = block(2 * c[3], c[3])
        self.up3 = nn.ConvTranspose2d(c[3], c[2], 2, stride=2)
        self.dec3 = block(2 * c[2], c[2])
        self.up2 = nn.ConvTranspose2d(c[2], c[1], 2, stride=2)
        self.dec2 = block(2 * c[1], c[1])
        self.dec1 = block(c[1] + c[0], c[0])
        self.head = nn.Conv2d(c[0], classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        e4 = self.enc4(F.max_pool2d(e3, 2))
        e5 = self.enc5(F.max_pool2d(e4, 2))
        d4 = self.dec4(torch.cat([self.up4(e5), e4], 1))
        d3 = self.dec3(torch.cat([self.up3(d4), e3], 1))
        d2 = self.dec2(torch.cat([self.up2(d3), e2], 1))
        d1 = self.dec1(torch.cat([F.interpolate(d2, scale_factor=2, mode="bilinear", align_corners=False), e1], 1))
        return self.head(d1)


# ----------------------------------------------------------------------------------------------- metrics

def confusion(truth, pred, n=len(LABELS)):
    return np.bincount(truth.astype(np.int64).ravel() * n + pred.astype(np.int64).ravel(),
                       minlength=n * n).reshape(n, n)


def scores(m):
    tp = np.diag(m).astype(np.float64)
    gt = m.sum(1).astype(np.float64)
    pr = m.sum(0).astype(np.float64)
    union = gt + pr - tp
    iou = np.where(union > 0, tp / np.where(union > 0, union, 1), 0.0)
    present = gt > 0
    mean_iou = float(iou[present].mean())
    mean_fg = float(iou[1:][present[1:]].mean())
    return mean_iou, mean_fg, float(tp.sum() / m.sum()), iou, present


def predict(model, images, chunk=50):
    out = []
    with torch.no_grad():
        for i in range(0, len(images), chunk):
            out.append(model(to_input(images[i:i + chunk])).argmax(1).to(torch.uint8).numpy())
    return np.concatenate(out)


# ----------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model-out", default=os.path.join(ROOT, "samples", "FashionSegmentation", "model"))
    ap.add_argument("--data-out", default=os.path.join(ROOT, "samples", "FashionSegmentation", "data"))
    ap.add_argument("--iterations", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--train-seconds-max", type=float, default=540.0,
                    help="wall-time budget: the schedule follows max(iteration/iterations, seconds/budget)")
    ap.add_argument("--test-images", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--background-weight", type=float, default=BACKGROUND_WEIGHT,
                    help="cross-entropy weight of label 0 (the other labels weigh 1)")
    ap.add_argument("--channels", default=",".join(map(str, CHANNELS)), help="U-Net widths (the C# sample assumes the default)")
    args = ap.parse_args()
    channels = tuple(int(c) for c in args.channels.split(","))
    t_start = time.time()
    torch.set_num_threads(args.threads)
    os.makedirs(args.model_out, exist_ok=True)
    os.makedirs(args.data_out, exist_ok=True)

    tr_x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    tr_y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    te_x = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    te_y = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))

    # Held-out canvases first (independent of training).
    rng_test = np.random.default_rng(TEST_SEED)
    test = [make_canvas(rng_test, te_x, te_y) for _ in range(args.test_images)]
    test_images = np.stack([c for c, _ in test])
    test_labels = np.stack([l for _, l in test])
    save_file(OrderedDict(images=test_images, labels=test_labels),
              os.path.join(args.data_out, "test_canvases.safetensors"),
              metadata={"seed": TEST_SEED, "split": "t10k", "height": HEIGHT, "width": WIDTH,
                        "labels": json.dumps(LABELS), "input": "gray, /255, 1x1x64x96",
                        "label_map": "0 background, class+1 where the item's pixel is nonzero"})
    share = np.bincount(test_labels.ravel(), minlength=len(LABELS)) / test_labels.size
    print(f"test: {len(test)} canvases, label shares " + " ".join(f"{s:.3f}" for s in share))

    torch.manual_seed(MODEL_SEED)
    model = UNet(c=channels)
    print(f"UNet channels {channels}, parameters {sum(p.numel() for p in model.parameters())}")

    rng = np.random.default_rng(TRAIN_SEED)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    warmup = 50
    class_weight = torch.ones(len(LABELS))
    class_weight[0] = args.background_weight
    model.train()
    t0 = time.time()
    it = 0
    running = None
    while True:
        elapsed = time.time() - t0
        frac = max(it / args.iterations, elapsed / args.train_seconds_max)
        if frac >= 1.0:
            if it < args.iterations:
                print(f"time budget reached at iteration {it} ({elapsed:.0f} s)")
            break
        lr = args.lr * min(1.0, (it + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = [make_canvas(rng, tr_x, tr_y) for _ in range(args.batch)]
        x = to_input(np.stack([c for c, _ in batch]))
        y = torch.from_numpy(np.stack([l for _, l in batch]).astype(np.int64))
        loss = F.cross_entropy(model(x), y, weight=class_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = float(loss) if running is None else 0.95 * running + 0.05 * float(loss)
        it += 1
        if it % 100 == 0 or it == 1:
            print(f"it {it:5d}/{args.iterations} lr {lr:.2e} loss {running:.4f}  {time.time() - t0:.0f} s", flush=True)
    train_seconds = time.time() - t0
    iterations = it
    print(f"trained {iterations} iterations in {train_seconds:.0f} s")

    # Weights, then the reference from exactly the stored values.
    model.eval()
    sd = model.state_dict()
    out = OrderedDict()
    for k, v in sd.items():
        v = v.detach().contiguous()
        out[k] = v.to(torch.float32) if v.is_floating_point() else v.to(torch.int64)
    weights_path = os.path.join(args.model_out, "unet_fashion.safetensors")
    nbytes = save_file(out, weights_path, metadata={
        "model": f"UNet {channels}, 1x64x96 -> 11 labels", "torch": torch.__version__, "iterations": iterations})
    loaded, _ = load_file(weights_path)
    model.load_state_dict({k: torch.from_numpy(np.array(v)).to(sd[k].dtype) for k, v in loaded.items()}, strict=True)
    model.eval()
    print(f"weights: {len(sd)} tensors, {nbytes} bytes")

    pred = predict(model, test_images)
    pred.tofile(os.path.join(args.model_out, "pytorch_labels.bin"))
    m = confusion(test_labels, pred)
    mean_iou, mean_fg, pixel_acc, iou, present = scores(m)
    print(f"PyTorch mean IoU {mean_iou:.4f} (foreground {mean_fg:.4f}), pixel accuracy {pixel_acc:.4f}")
    print("IoU per label: " + ", ".join(f"{LABELS[c]} {iou[c]:.3f}" for c in range(len(LABELS)) if present[c]))

    ref = OrderedDict(
        mean_iou=mean_iou, mean_iou_foreground=mean_fg, pixel_accuracy=pixel_acc,
        iou_per_label={LABELS[c]: float(iou[c]) for c in range(len(LABELS)) if present[c]},
        classes=LABELS, num_test_images=len(test_images), height=HEIGHT, width=WIDTH,
        confusion=m.tolist(),
        iou_definition="dataset-level confusion matrix M[truth, prediction] over all pixels of all held-out canvases; "
                       "IoU(c) = M[c,c] / (row_c + col_c - M[c,c]); mean_iou = mean over labels present in the "
                       "ground truth (background included); mean_iou_foreground excludes label 0; "
                       "pixel_accuracy = trace / total; prediction = first argmax of the 11 logits",
        channels=list(channels), background_weight=args.background_weight, weights_bytes=nbytes, state_dict_tensors=len(sd),
        train_seconds=round(train_seconds, 1), iterations=iterations, batch=args.batch, lr=args.lr,
        threads=args.threads, total_seconds=round(time.time() - t_start, 1),
        seeds={"model": MODEL_SEED, "train": TRAIN_SEED, "test": TEST_SEED},
        input="uint8 gray canvas / 255, 1x1x64x96",
        torch_version=torch.__version__)
    with open(os.path.join(args.model_out, "pytorch_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print(f"wrote {args.model_out} and {args.data_out} ({time.time() - t_start:.0f} s in all)")


if __name__ == "__main__":
    main()
