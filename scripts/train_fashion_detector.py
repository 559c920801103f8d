#!/usr/bin/env python3
"""Trains the small FCOS detector the FashionDetection sample runs, and writes its PyTorch reference.

Usage: /usr/bin/python3 scripts/train_fashion_detector.py [--iterations 1200] [--batch 16] [--threads 1]
           [--data DIR] [--model-out DIR] [--data-out DIR] [--test-images 200] [--train-seconds-max 900]
Run once by hand with Debian's torch 1.13 / torchvision 0.14 on CPU (2 threads); outputs are committed
(not run in CI). All randomness is seeded (training may still differ in the last bits between machines).

Dataset ("Fashion-MNIST on canvases"):
  128x128 grayscale canvas, background light noise round(|N(0, 4^2)|) clipped to 0..255 (uint8).
  1-4 items per canvas (uniform), each a Fashion-MNIST image resized by a scale uniform in [0.8, 2.0]
  (side round(28*scale), torch bilinear, align_corners=False, then rounded to uint8), cropped to the tight
  box of its nonzero pixels and placed fully inside the canvas at a uniformly random position; a placement
  whose box has IoU > 0.3 with an already placed box is rejected (up to 50 tries, then the item is dropped).
  Items are composited with max(). Box = [x0, y0, x1, y1] in pixel-edge coordinates (x1, y1 exclusive),
  i.e. exactly the tight box of the item's nonzero pixels. Label = Fashion-MNIST class 0..9.
  Training canvases are drawn on the fly from the TRAIN split (seed TRAIN_SEED); the test canvases
  from the t10k split (seed TEST_SEED).
  Model input: the canvas replicated to 3 channels, divided by 255 (float32, [3,128,128]).

Network (names are torchvision's; the C# declaration is
  [VisionModel(Channels = 3, Height = 128, Width = 128)] [MobileNetV2(WidthMultiplier = 0.5f)]
  [FpnNeck(OutChannels = 64, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)] [FcosHead(Classes = 10)]):
  backbone = MobileNetV2(width_mult=0.5).features as torchvision's _mobilenet_extractor(mnv2, True, 6,
             returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(64, 64)) builds it, but with FPN
             out_channels = 64 (torchvision 0.14's _mobilenet_extractor hard-codes 256, so BackboneWithFPN is
             built here with the same return_layers {"4": "0", "7": "1", "14": "2"} and in_channels [16, 32, 80]);
             P6 is computed from P5 (LastLevelP6P7 with in == out channels).
  model    = FCOS(backbone, num_classes=10, min_size=128, max_size=128, image_mean=[0,0,0], image_std=[1,1,1])
             default anchors ((8,), (16,), (32,), (64,), (128,)), score_thresh 0.2, nms_thresh 0.6,
             detections_per_img 100, topk_candidates 1000.
Training: AdamW (lr 2e-3, weight decay 1e-4 on weights, none on biases/norms), linear warm-up 100 iterations,
  then cosine decay to 0 over progress = max(iteration / --iterations, seconds / --train-seconds-max), so training
  ends after 1200 iterations or 15 minutes, whichever comes first. Gradient norm clipped at 10, batch 16, all layers
  trainable, random init (no pretrained weights). One torch thread by default: on the shared 2-core machine the
  run was made on, two OpenMP threads were ~10x slower than one under contention from other processes.

Evaluation (independent of the C# code; the C# metrics use the same definition):
  Detections = model(images) in eval mode (the transform is an identity on 128x128 inputs; checked and
  recorded). For each class with at least one GT box: detections of that class over all test images,
  ordered by score descending (stable: ties keep image order, then the model's output order); each one is
  matched greedily to the unmatched GT box of the same class and image with the highest IoU, if that IoU
  >= t (a true positive), else it is a false positive. Precision/recall after each detection; AP = mean
  over the 101 recall points r = 0, 0.01, ..., 1 of the precision envelope max{p(k) : recall(k) >= r}
  (0 where recall r is never reached; 'recall >= r' is decided exactly as 100*TP >= i*numGT for
  r = i/100). mAP@t = mean over those classes; map50 is t = 0.5, map50_95 the mean
  over t = 0.50, 0.55, ..., 0.95. IoU uses the areas (x1-x0)*(y1-y0) (no +1).

Writes:
  --model-out (default samples/FashionDetection/model/):
    fcos_fashion.safetensors      the eval-mode state_dict (float tensors F32, or F16 if F32 would exceed
                                  4.5 MB; num_batches_tracked I64). The reference below uses exactly the
                                  stored values (F16-rounded weights loaded back when F16).
    pytorch_reference.json        map50, map50_95, per-class AP, classes, num_test_images, score_thresh, ...
    pytorch_detections.safetensors  detections on the first 20 test canvases: boxes F32 [D,4],
                                  scores F32 [D], labels I64 [D], image_index I64 [D]
  --data-out (default samples/FashionDetection/data/):
    test_canvases.safetensors     images U8 [N,128,128], boxes F32 [M,4] (xyxy), labels I64 [M],
                                  image_index I64 [M]
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import FCOS
from torchvision.models.detection.backbone_utils import BackboneWithFPN, _mobilenet_extractor
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
from safetensors_io import load_file, save_file  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CANVAS = 128
MODEL_SEED = 4401
TRAIN_SEED = 4402
TEST_SEED = 4403
MIN_ITEMS, MAX_ITEMS = 1, 4
MIN_SCALE, MAX_SCALE = 0.8, 2.0
MAX_PLACEMENT_IOU = 0.3
NOISE_SIGMA = 4.0
F32_LIMIT_BYTES = int(4.5 * 1024 * 1024)
PARITY_IMAGES = 20


# ----------------------------------------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    assert magic >> 8 == 0x08, f"{path}: not unsigned-byte IDX (magic {magic:#x})"
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def box_iou_np(a, b):
    """IoU of one box a [4] with boxes b [K,4] (xyxy, areas without +1)."""
    ix0 = np.maximum(a[0], b[:, 0]); iy0 = np.maximum(a[1], b[:, 1])
    ix1 = np.minimum(a[2], b[:, 2]); iy1 = np.minimum(a[3], b[:, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a + area_b - inter)


def resized_item(img28, side):
    t = torch.from_numpy(img28.astype(np.float32))[None, None]
    r = F.interpolate(t, size=(side, side), mode="bilinear", align_corners=False)[0, 0]
    r = r.round().clamp(0, 255).to(torch.uint8).numpy()
    ys, xs = np.nonzero(r)
    if ys.size == 0:
        return None
    return r[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def make_canvas(rng, images, labels):
    """One canvas: (uint8 [128,128], boxes float32 [K,4] xyxy, labels int64 [K])."""
    canvas = np.abs(rng.normal(0.0, NOISE_SIGMA, size=(CANVAS, CANVAS))).round().clip(0, 255).astype(np.uint8)
    boxes, labs = [], []
    for _ in range(int(rng.integers(MIN_ITEMS, MAX_ITEMS + 1))):
        idx = int(rng.integers(len(images)))
        side = int(round(28 * rng.uniform(MIN_SCALE, MAX_SCALE)))
        item = resized_item(images[idx], side)
        if item is None:
            continue
        h, w = item.shape
        for _try in range(50):
            x0 = int(rng.integers(0, CANVAS - w + 1))
            y0 = int(rng.integers(0, CANVAS - h + 1))
            box = np.array([x0, y0, x0 + w, y0 + h], dtype=np.float32)
            if boxes and box_iou_np(box, np.stack(boxes)).max() > MAX_PLACEMENT_IOU:
                continue
            region = canvas[y0:y0 + h, x0:x0 + w]
            np.maximum(region, item, out=region)
            boxes.append(box)
            labs.append(int(labels[idx]))
            break
    return canvas, np.stack(boxes).astype(np.float32), np.array(labs, dtype=np.int64)


def to_input(canvas_u8):
    """uint8 [H,W] -> float32 [3,H,W] in [0,1], grayscale replicated (what the C# sample feeds)."""
    x = torch.from_numpy(canvas_u8.astype(np.float32) / 255.0)
    return x[None].expand(3, -1, -1).contiguous()


# ----------------------------------------------------------------------------------------------- model

def make_model():
    mnv2 = torchvision.models.mobilenet_v2(width_mult=0.5)
    # torchvision 0.14's _mobilenet_extractor(mnv2, True, 6, returned_layers=[2, 3, 4], extra_blocks=...) has no
    # out_channels parameter (fixed 256); build the same BackboneWithFPN with 64 channels.
    features = mnv2.features
    stage_indices = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [len(features) - 1]
    returned_layers = [2, 3, 4]
    return_layers = {f"{stage_indices[k]}": str(v) for v, k in enumerate(returned_layers)}
    in_channels_list = [features[stage_indices[i]].out_channels for i in returned_layers]
    backbone = BackboneWithFPN(features, return_layers, in_channels_list, 64, extra_blocks=LastLevelP6P7(64, 64))
    model = FCOS(backbone, num_classes=10, min_size=CANVAS, max_size=CANVAS,
                 image_mean=[0.0, 0.0, 0.0], image_std=[1.0, 1.0, 1.0])
    return model, return_layers, in_channels_list


def check_against_torchvision_extractor(model):
    """Same key set and shapes as torchvision's own extractor would give (with out_channels swapped to 64)."""
    ref = _mobilenet_extractor(torchvision.models.mobilenet_v2(width_mult=0.5), True, 6,
                               returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    ours = {k[len("backbone."):]: v.shape for k, v in model.state_dict().items() if k.startswith("backbone.")}
    theirs = {k: v.shape for k, v in ref.state_dict().items()}
    assert set(ours) == set(theirs), (set(ours) ^ set(theirs))
    for k in ours:
        if k.startswith("body."):
            assert ours[k] == theirs[k], k
    for p in model.parameters():
        assert p.requires_grad


def check_keys(sd):
    body_idx = sorted({int(k.split(".")[2]) for k in sd if k.startswith("backbone.body.")})
    assert body_idx == list(range(15)), body_idx
    allowed_prefixes = ("backbone.body.", "backbone.fpn.inner_blocks.", "backbone.fpn.layer_blocks.",
                        "backbone.fpn.extra_blocks.p6.", "backbone.fpn.extra_blocks.p7.",
                        "head.classification_head.", "head.regression_head.")
    extra = [k for k in sd if not k.startswith(allowed_prefixes)]
    assert not extra, extra
    fpn = sorted(k for k in sd if k.startswith("backbone.fpn."))
    head = sorted(k for k in sd if k.startswith("head."))
    return body_idx, fpn, head


# ----------------------------------------------------------------------------------------------- metrics

def iou_matrix(a, b):
    ix0 = np.maximum(a[:, None, 0], b[None, :, 0]); iy0 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix1 = np.minimum(a[:, None, 2], b[None, :, 2]); iy1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa[:, None] + ab[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def average_precision(det_img, det_box, det_score, gt_img, gt_box, thr):
    """AP for one class. Detections in the given order are stable-sorted by score descending."""
    n_gt = len(gt_box)
    order = np.argsort(-det_score, kind="stable")
    matched = np.zeros(n_gt, dtype=bool)
    tp = np.zeros(len(order), dtype=np.float64)
    for rank, d in enumerate(order):
        cand = np.nonzero((gt_img == det_img[d]) & ~matched)[0]
        if cand.size == 0:
            continue
        ious = iou_matrix(det_box[d][None].astype(np.float64), gt_box[cand].astype(np.float64))[0]
        j = int(np.argmax(ious))  # first of equal maxima, i.e. the lowest GT index
        if ious[j] >= thr:
            matched[cand[j]] = True
            tp[rank] = 1.0
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, len(order) + 1)
    env = precision.copy()
    for i in range(len(env) - 2, -1, -1):
        env[i] = max(env[i], env[i + 1])
    ctp_int = ctp.astype(np.int64)
    ap = 0.0
    for i in range(101):
        # recall point r = i/100 is reached at the first k with tp(k)/n_gt >= i/100, i.e. 100*tp(k) >= i*n_gt
        # (integer comparison, no rounding questions)
        k = int(np.searchsorted(100 * ctp_int, i * n_gt, side="left"))
        ap += env[k] if k < len(env) else 0.0
    return ap / 101.0


def mean_ap(dets, gts, thr):
    """dets: list per image of (boxes [D,4], scores [D], labels [D]); gts: list per image of (boxes, labels)."""
    aps = {}
    for c in range(len(CLASSES)):
        gi, gb = [], []
        for i, (b, l) in enumerate(gts):
            m = l == c
            gi.append(np.full(int(m.sum()), i)); gb.append(b[m])
        gt_img = np.concatenate(gi); gt_box = np.concatenate(gb).reshape(-1, 4)
        if len(gt_box) == 0:
            continue
        di, db, ds = [], [], []
        for i, (b, s, l) in enumerate(dets):
            m = l == c
            di.append(np.full(int(m.sum()), i)); db.append(b[m]); ds.append(s[m])
        aps[c] = average_precision(np.concatenate(di), np.concatenate(db).reshape(-1, 4), np.concatenate(ds),
                                   gt_img, gt_box, thr)
    return float(np.mean(list(aps.values()))), aps


# ----------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model-out", default=os.path.join(ROOT, "samples", "FashionDetection", "model"))
    ap.add_argument("--data-out", default=os.path.join(ROOT, "samples", "FashionDetection", "data"))
    ap.add_argument("--iterations", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--train-seconds-max", type=float, default=900.0,
                    help="wall-time budget: the schedule follows max(iteration/iterations, seconds/budget)")
    ap.add_argument("--test-images", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.model_out, exist_ok=True)
    os.makedirs(args.data_out, exist_ok=True)

    tr_x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    tr_y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    te_x = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    te_y = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))

    # Test canvases first (independent of training).
    rng_test = np.random.default_rng(TEST_SEED)
    test = [make_canvas(rng_test, te_x, te_y) for _ in range(args.test_images)]
    test_images = np.stack([c for c, _, _ in test])
    test_boxes = np.concatenate([b for _, b, _ in test]).astype(np.float32)
    test_labels = np.concatenate([l for _, _, l in test]).astype(np.int64)
    test_index = np.concatenate([np.full(len(l), i, dtype=np.int64) for i, (_, _, l) in enumerate(test)])
    save_file(OrderedDict(images=test_images, boxes=test_boxes, labels=test_labels, image_index=test_index),
              os.path.join(args.data_out, "test_canvases.safetensors"),
              metadata={"seed": TEST_SEED, "split": "t10k", "canvas": CANVAS, "box_format": "xyxy pixel edges",
                        "classes": json.dumps(CLASSES), "input": "gray replicated to 3 channels, /255"})
    print(f"test: {len(test)} canvases, {len(test_labels)} boxes, per-class {np.bincount(test_labels, minlength=10).tolist()}")

    torch.manual_seed(MODEL_SEED)
    model, return_layers, in_channels_list = make_model()
    check_against_torchvision_extractor(model)
    print(f"return_layers {return_layers}, in_channels {in_channels_list}, "
          f"parameters {sum(p.numel() for p in model.parameters())}")

    # Transform identity check on a test canvas.
    model.eval()
    with torch.no_grad():
        x0 = torch.stack([to_input(c) for c in test_images[:4]])
        il, _ = model.transform(list(x0))
        transform_diff = float((il.tensors - x0).abs().max()) if il.tensors.shape == x0.shape else float("nan")
    print(f"transform: {tuple(x0.shape)} -> {tuple(il.tensors.shape)}, image_sizes {il.image_sizes[0]}, "
          f"max|diff| {transform_diff}")

    # Training.
    rng = np.random.default_rng(TRAIN_SEED)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    warmup = 100
    model.train()
    t0 = time.time()
    it = 0
    running = None
    total = args.iterations
    while True:
        # Progress runs on iterations or on wall time, whichever is further along, so the cosine schedule
        # still decays to zero when the machine is slower than expected.
        elapsed = time.time() - t0
        frac = max(it / total, elapsed / args.train_seconds_max)
        if frac >= 1.0:
            if it < total:
                print(f"time budget reached at iteration {it} ({elapsed:.0f} s)")
            break
        lr = args.lr * min(1.0, (it + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = [make_canvas(rng, tr_x, tr_y) for _ in range(args.batch)]
        images = [to_input(c) for c, _, _ in batch]
        targets = [{"boxes": torch.from_numpy(b), "labels": torch.from_numpy(l)} for _, b, l in batch]
        losses = model(images, targets)
        loss = sum(losses.values())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 10.0)
        opt.step()
        vals = {k: float(v) for k, v in losses.items()}
        running = vals if running is None else {k: 0.95 * running[k] + 0.05 * vals[k] for k in vals}
        it += 1
        if it % 50 == 0 or it == 1:
            print(f"it {it:5d}/{total} lr {lr:.2e} " + " ".join(f"{k} {v:.3f}" for k, v in running.items())
                  + f"  {time.time() - t0:.0f} s", flush=True)
    train_seconds = time.time() - t0
    iterations = it
    print(f"trained {iterations} iterations in {train_seconds:.0f} s")

    # Weights: F32 unless too big, then F16; the reference then uses the F16-rounded values.
    model.eval()
    sd = model.state_dict()
    body_idx, fpn_keys, head_keys = check_keys(sd)
    f32_bytes = sum(v.numel() * 4 for v in sd.values() if v.is_floating_point())
    weights_dtype = "F32" if f32_bytes <= F32_LIMIT_BYTES else "F16"
    out = OrderedDict()
    for k, v in sd.items():
        v = v.detach().contiguous()
        if v.is_floating_point():
            out[k] = v.to(torch.float32 if weights_dtype == "F32" else torch.float16)
        else:
            out[k] = v.to(torch.int64)
    weights_path = os.path.join(args.model_out, "fcos_fashion.safetensors")
    nbytes = save_file(out, weights_path, metadata={
        "model": "FCOS(MobileNetV2(0.5) FPN 64 [2,3,4] P6P7, 10 classes), 128x128",
        "torch": torch.__version__, "torchvision": torchvision.__version__, "iterations": iterations})
    loaded, _ = load_file(weights_path)
    model.load_state_dict({k: torch.from_numpy(np.array(v)).to(sd[k].dtype) for k, v in loaded.items()}, strict=True)
    model.eval()
    keys = list(sd.keys())
    print(f"weights: {len(keys)} tensors, {weights_dtype}, {nbytes} bytes (F32 would be {f32_bytes} bytes of data); "
          f"first {keys[0]}, last {keys[-1]}; body features 0..{body_idx[-1]}")

    # Evaluation.
    dets = []
    with torch.no_grad():
        for i in range(0, len(test_images), 20):
            xs = [to_input(c) for c in test_images[i:i + 20]]
            for d in model(xs):
                dets.append((d["boxes"].numpy().astype(np.float32), d["scores"].numpy().astype(np.float32),
                             d["labels"].numpy().astype(np.int64)))
    gts = [(b, l) for _, b, l in test]
    map50, ap50 = mean_ap(dets, gts, 0.5)
    thresholds = [0.5 + 0.05 * k for k in range(10)]
    maps = [mean_ap(dets, gts, t)[0] for t in thresholds]
    map50_95 = float(np.mean(maps))
    counts = [int(len(s)) for _, s, _ in dets]
    print(f"PyTorch mAP@0.5 {map50:.4f}  mAP@0.5:0.95 {map50_95:.4f}  detections/image mean {np.mean(counts):.2f}")
    print("AP50 per class: " + ", ".join(f"{CLASSES[c]} {a:.3f}" for c, a in ap50.items()))

    par = dets[:PARITY_IMAGES]
    save_file(OrderedDict(
        boxes=np.concatenate([b for b, _, _ in par]).reshape(-1, 4).astype(np.float32),
        scores=np.concatenate([s for _, s, _ in par]).astype(np.float32),
        labels=np.concatenate([l for _, _, l in par]).astype(np.int64),
        image_index=np.concatenate([np.full(len(s), i, dtype=np.int64) for i, (_, s, _) in enumerate(par)])),
        os.path.join(args.model_out, "pytorch_detections.safetensors"),
        metadata={"images": PARITY_IMAGES, "source": "model(images) in eval mode, first test canvases"})

    ref = OrderedDict(
        map50=map50, map50_95=map50_95,
        map_per_iou={f"{t:.2f}": m for t, m in zip(thresholds, maps)},
        ap50_per_class={CLASSES[c]: a for c, a in ap50.items()},
        classes=CLASSES, num_test_images=len(test_images), num_test_boxes=int(len(test_labels)),
        score_thresh=model.score_thresh, nms_thresh=model.nms_thresh,
        detections_per_img=model.detections_per_img, topk_candidates=model.topk_candidates,
        weights_dtype=weights_dtype, weights_bytes=nbytes, state_dict_tensors=len(keys),
        train_seconds=round(train_seconds, 1), iterations=iterations, batch=args.batch,
        transform_max_abs_diff=transform_diff,
        seeds={"model": MODEL_SEED, "train": TRAIN_SEED, "test": TEST_SEED},
        input="uint8 gray canvas replicated to 3 channels, /255, 1x3x128x128",
        ap_definition="per class: stable sort by score desc; greedy match to the unmatched same-class GT with the "
                      "highest IoU if >= t; 101-point interpolated precision envelope; mean over classes with GT",
        torch_version=torch.__version__, torchvision_version=torchvision.__version__,
        detections_per_image=counts)
    with open(os.path.join(args.model_out, "pytorch_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote", args.model_out, args.data_out)


if __name__ == "__main__":
    main()
