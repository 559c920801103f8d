#!/usr/bin/env python3
"""Runs the C# Forward methods in Python against the PyTorch fixtures, to check that each C# mirror is the network.

Usage: /usr/bin/python3 scripts/check_forward_mirrors.py [DIR=tests/fixtures/generated]
       (after make_forward_fixtures.py and make_op_fixtures.py have written DIR)

The C# classes in tests/VisionGen.Tests/Forward/{ForwardNetworks,OpModels}.cs (and the FashionSegmentation sample's
model, on its committed canvases) are translated line by line into Python — only the small C# subset they use:
const ints, static helper methods (block or expression bodied), var/int locals, for loops over ranges, if
statements, one ?: conditional, interpolated strings, new[] { ... } and new Tensor[n] arrays, named arguments,
float literals, Tensor.Batch/Channels/Size and the + and * operators — and run with VisionGen.Nn implemented on
torch.nn.functional below (the semantics the generator must honour). Every weight access goes through the
state_dict by the name the C# passes, with its shape checked against the op's arguments; at the end every tensor
of the file (num_batches_tracked aside) must have been read. Outputs are compared with the fixture outputs
(max|y - ref| <= 1e-4 * max|ref| + 1e-5, the project's parity tolerance). This checks the C# text, not the
generator: it needs no .NET build.
"""
import json
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "lib"))
from safetensors_io import load_file  # noqa: E402


# ------------------------------------------------------------------------------------------------- VisionGen.Nn

class Weights:
    def __init__(self, tensors):
        self.tensors = {k: torch.from_numpy(np.array(v)) for k, v in tensors.items()}
        self.used = set()

    def get(self, name, shape):
        if name not in self.tensors:
            raise KeyError(f"missing weight {name!r}")
        t = self.tensors[name]
        if list(t.shape) != list(shape):
            raise ValueError(f"{name}: shape {list(t.shape)}, the C# arguments imply {list(shape)}")
        self.used.add(name)
        return t.float()

    def unused(self):
        return sorted(k for k in self.tensors if k not in self.used and not k.endswith("num_batches_tracked"))


W = None  # the Weights of the model being run


def Conv2d(x, name, outChannels, kernel, stride=1, padding=0, dilation=1, groups=1, bias=True):
    w = W.get(f"{name}.weight", [outChannels, x.shape[1] // groups, kernel, kernel])
    b = W.get(f"{name}.bias", [outChannels]) if bias else None
    return F.conv2d(x, w, b, stride, padding, dilation, groups)


def ConvTranspose2d(x, name, outChannels, kernel, stride=1, padding=0, outputPadding=0, groups=1, bias=True, dilation=1):
    w = W.get(f"{name}.weight", [x.shape[1], outChannels // groups, kernel, kernel])
    b = W.get(f"{name}.bias", [outChannels]) if bias else None
    return F.conv_transpose2d(x, w, b, stride, padding, outputPadding, groups, dilation)


def Linear(x, name, outFeatures, bias=True):
    w = W.get(f"{name}.weight", [outFeatures, x.shape[-1]])
    b = W.get(f"{name}.bias", [outFeatures]) if bias else None
    return F.linear(x, w, b)


def BatchNorm2d(x, name, eps=1e-5):
    c = [x.shape[1]]
    return F.batch_norm(x, W.get(f"{name}.running_mean", c), W.get(f"{name}.running_var", c),
                        W.get(f"{name}.weight", c), W.get(f"{name}.bias", c), False, 0.0, eps)


def GroupNorm(x, name, groups, eps=1e-5, affine=True):
    c = [x.shape[1]]
    w, b = (W.get(f"{name}.weight", c), W.get(f"{name}.bias", c)) if affine else (None, None)
    return F.group_norm(x, groups, w, b, eps)


def InstanceNorm2d(x, name="", eps=1e-5, affine=False):
    c = [x.shape[1]]
    w, b = (W.get(f"{name}.weight", c), W.get(f"{name}.bias", c)) if affine else (None, None)
    return F.instance_norm(x, None, None, w, b, True, 0.0, eps)


def LayerNorm(x, name, eps=1e-5, elementwiseAffine=True):
    shape = list(x.shape[1:])  # every dimension after the batch
    w, b = (W.get(f"{name}.weight", shape), W.get(f"{name}.bias", shape)) if elementwiseAffine else (None, None)
    return F.layer_norm(x, shape, w, b, eps)


def Relu(x): return F.relu(x)
def Relu6(x): return F.relu6(x)
def LeakyRelu(x, negativeSlope=0.01): return F.leaky_relu(x, negativeSlope)
def Sigmoid(x): return torch.sigmoid(x)
def Tanh(x): return torch.tanh(x)
def Silu(x): return F.silu(x)
def Hardsigmoid(x): return F.hardsigmoid(x)
def Hardswish(x): return F.hardswish(x)
def Gelu(x, approximate="none"): return F.gelu(x, approximate=approximate)


def MaxPool2d(x, kernel, stride=0, padding=0):
    return F.max_pool2d(x, kernel, stride or kernel, padding)


def AvgPool2d(x, kernel, stride=0, padding=0):
    return F.avg_pool2d(x, kernel, stride or kernel, padding, count_include_pad=True)


def AdaptiveAvgPool2d(x, h, w=None):
    return F.adaptive_avg_pool2d(x, (h, h if w is None else w))


def AdaptiveMaxPool2d(x, h, w=None):
    return F.adaptive_max_pool2d(x, (h, h if w is None else w))


def Add(a, b): return a + b
def Mul(a, b): return a * b


def Cat(*args):
    if len(args) == 2 and isinstance(args[0], list) and isinstance(args[1], int):
        return torch.cat(args[0], args[1])           # Cat(Tensor[] tensors, int dim)
    if len(args) == 1 and isinstance(args[0], list):
        return torch.cat(args[0], 1)                 # Cat(params Tensor[]) given an array
    return torch.cat(list(args), 1)


def Chunk(x, chunks, dim=1): return list(torch.chunk(x, chunks, dim))
def Split(x, sizes, dim=1): return list(torch.split(x, sizes, dim))


def Interpolate(x, scale_or_size, mode="nearest", alignCorners=False):
    ac = alignCorners if mode == "bilinear" else None
    if isinstance(scale_or_size, tuple):
        return F.interpolate(x, size=scale_or_size, mode=mode, align_corners=ac)
    return F.interpolate(x, scale_factor=scale_or_size, mode=mode, align_corners=ac)


def Softmax(x, dim): return F.softmax(x, dim)
def Flatten(x, startDim=1, endDim=-1): return torch.flatten(x, startDim, endDim)
def Reshape(x, *shape): return x.reshape(*shape)
def Permute(x, *dims): return x.permute(*dims)
def Transpose(x, dim0, dim1): return x.transpose(dim0, dim1)
def Dropout(x, p=0.5): return x
def StochasticDepth(x, p, mode="row"): return x
def Identity(x): return x


NN = {k: v for k, v in globals().items() if callable(v) and k[:1].isupper() and k != "Weights"}


# ------------------------------------------------------------------------------------------------- C# -> Python

def split_top(s, sep=","):
    parts, depth, cur, quote = [], 0, "", False
    for ch in s:
        if ch == '"':
            quote = not quote
        if not quote:
            depth += ch in "([{"
            depth -= ch in ")]}"
            if ch == sep and depth == 0:
                parts.append(cur)
                cur = ""
                continue
        cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def expr(e):
    e = re.sub(r'\$"([^"]*)"', r'f"\1"', e)
    e = re.sub(r"new\[\]\s*\{([^}]*)\}", r"[\1]", e)
    e = re.sub(r"new Tensor\[([^\]]+)\]", r"[None] * (\1)", e)
    e = re.sub(r"\b(\d+(?:\.\d+)?(?:e-?\d+)?)f\b", r"\1", e)
    e = re.sub(r"\btrue\b", "True", e)
    e = re.sub(r"\bfalse\b", "False", e)
    e = re.sub(r"(\w+): ", r"\1=", e)                                   # named arguments
    e = re.sub(r"([\w.]+ == [\w.]+) \? ([\w.]+) : ([\w.]+)", r"(\2 if \1 else \3)", e)
    e = e.replace("||", " or ").replace("&&", " and ")
    e = re.sub(r"!(?!=)", "not ", e)
    e = e.replace(".Channels", ".shape[1]").replace(".Batch", ".shape[0]").replace(".Size(", ".size(")
    e = re.sub(r" / ", " // ", e)                                         # C# int division
    return e


def statements(body):
    """Split a block's text into statements and nested blocks: list of str | (header, [children])."""
    out, i, n = [], 0, len(body)
    cur, depth, quote = "", 0, False
    while i < n:
        ch = body[i]
        if ch == '"':
            quote = not quote
        if not quote and ch in "([":
            depth += 1
        if not quote and ch in ")]":
            depth -= 1
        if not quote and depth == 0 and ch == "{" and not re.search(r"new\[\]\s*$", cur) and not cur.rstrip().endswith("$\""):
            # a block: find its matching brace
            j, d, q = i + 1, 1, False
            while d:
                q ^= body[j] == '"'
                if not q:
                    d += body[j] == "{"
                    d -= body[j] == "}"
                j += 1
            out.append((cur.strip(), statements(body[i + 1:j - 1])))
            cur, i = "", j
            continue
        if not quote and depth == 0 and ch == "{":  # array initializer: keep it in the statement
            j = body.index("}", i)
            cur += body[i:j + 1]
            i = j + 1
            continue
        if not quote and depth == 0 and ch == ";":
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    return out


def header(h):
    m = re.match(r"for \(int (\w+) = (.+?); \1 < (.+?); \1\+\+\)\s*(.*)$", h, re.S)
    if m:
        return f"for {m.group(1)} in range({expr(m.group(2))}, {expr(m.group(3))}):", m.group(4).strip()
    m = re.match(r"if \((.*)\)\s*(.*)$", h, re.S)
    if m:
        # the condition ends at the parenthesis matching "if ("
        depth, k = 0, 3
        for k in range(3, len(h)):
            depth += h[k] == "("
            depth -= h[k] == ")"
            if depth == 0:
                break
        return f"if {expr(h[4:k])}:", h[k + 1:].strip()
    return None, h


def statement(s):
    s = re.sub(r"^(var|int) ", "", s)
    return expr(s)


def emit(items, indent, lines):
    pad = "    " * indent
    for it in items:
        if isinstance(it, tuple):
            h, children = it
            py, rest = header(h)
            if py is None:
                raise ValueError(f"unsupported block header: {h!r}")
            lines.append(pad + py)
            emit(children, indent + 1, lines)
            continue
        if not it:
            continue
        py, rest = header(it)
        if py is not None:  # single-statement for / if
            lines.append(pad + py)
            lines.append(pad + "    " + statement(rest))
        else:
            lines.append(pad + statement(it))


def translate_class(body):
    """Python source of one class body: constants, then one def per method."""
    body = re.sub(r"//[^\n]*", "", body)
    lines = []
    for m in re.finditer(r"const int (\w+) = ([^;]+);", body):
        lines.append(f"{m.group(1)} = {expr(m.group(2))}")
    body = re.sub(r"const int \w+ = [^;]+;", "", body)
    for m in re.finditer(r"static\s+(?:\([^)]*\)|\w+)\s+(\w+)\(([^)]*)\)\s*(=>\s*(.*?);|\{)", body, re.S):
        name, params = m.group(1), split_top(m.group(2))
        args = []
        for p in params:
            p = p.split("=")
            arg = p[0].split()[-1]
            args.append(arg + ("=" + expr(p[1].strip()) if len(p) > 1 else ""))
        lines.append(f"def {name}({', '.join(args)}):")
        if m.group(3).startswith("=>"):
            lines.append("    return " + expr(" ".join(m.group(4).split())))
        else:
            start, d, j = m.end(), 1, m.end()
            while d:
                d += body[j] == "{"
                d -= body[j] == "}"
                j += 1
            emit(statements(body[start:j - 1]), 1, lines)
    return "\n".join(lines)


def parse_classes(path):
    text = open(path).read()
    out = {}
    for m in re.finditer(r"\[VisionModel\(([^)]*)\)\]\s*public sealed partial class (\w+)\s*\{", text):
        attrs = dict((k.strip(), int(v)) for k, v in (a.split("=") for a in m.group(1).split(",")))
        start, d, j = m.end(), 1, m.end()
        while d:
            d += text[j] == "{"
            d -= text[j] == "}"
            j += 1
        out[m.group(2)] = (attrs, translate_class(text[start:j - 1]))
    return out


def run_class(source, weights, x):
    global W
    W = Weights(weights)
    scope = dict(NN)
    exec(source, scope)
    with torch.no_grad():
        y = scope["Forward"](torch.from_numpy(np.array(x)))
    return (list(y) if isinstance(y, tuple) else [y]), W.unused()


def compare(label, ys, io, names):
    worst = 0.0
    for y, n in zip(ys, names):
        ref = torch.from_numpy(np.array(io[n]))
        if list(y.shape) != list(ref.shape):
            raise ValueError(f"{label} {n}: shape {list(y.shape)} vs fixture {list(ref.shape)}")
        err = float((y - ref).abs().max())
        tol = 1e-4 * float(ref.abs().max()) + 1e-5
        if err > tol:
            raise ValueError(f"{label} {n}: max error {err:.3g} > tolerance {tol:.3g}")
        worst = max(worst, err)
    return worst


def check_fixture_set(cs_path, fixture_dir, manifest_name):
    classes = parse_classes(cs_path)
    with open(os.path.join(fixture_dir, manifest_name)) as f:
        manifest = json.load(f)
    failures = 0
    for case in manifest["cases"]:
        cls = case["csharp_class"]
        try:
            attrs, source = classes[cls]
            shape = [attrs.get("Batch", 1), attrs["Channels"], attrs["Height"], attrs["Width"]]
            if shape != case["input_shape"]:
                raise ValueError(f"[VisionModel] says {shape}, fixture input {case['input_shape']}")
            weights, _ = load_file(os.path.join(fixture_dir, case["weights"]))
            io, _ = load_file(os.path.join(fixture_dir, case["io"]))
            names = [o["name"] for o in case["outputs"]]
            ys, unused = run_class(source, weights, io["input"])
            if len(ys) != len(names):
                raise ValueError(f"{len(ys)} outputs, fixture has {len(names)}")
            if unused:
                raise ValueError(f"weights never read: {unused}")
            worst = compare(case["name"], ys, io, names)
            if manifest_name == "forward_manifest.json":
                print(f"  {case['name']:28s} {cls:22s} ok  (max error {worst:.2e})")
        except Exception as e:  # report every case, then fail
            failures += 1
            print(f"  {case['name']:28s} {cls:22s} FAILED: {type(e).__name__}: {e}")
            if os.environ.get("VERBOSE"):
                print(classes.get(cls, (None, ""))[1])
    return len(manifest["cases"]), failures


def check_sample():
    sample = os.path.join(ROOT, "samples", "FashionSegmentation")
    classes = parse_classes(os.path.join(sample, "UNetFashion.cs"))
    attrs, source = classes["UNetFashion"]
    weights, _ = load_file(os.path.join(sample, "model", "unet_fashion.safetensors"))
    data, _ = load_file(os.path.join(sample, "data", "test_canvases.safetensors"))
    images = data["images"][:20]
    x = images.astype(np.float32)[:, None] / np.float32(255.0)
    assert [1, attrs["Channels"], attrs["Height"], attrs["Width"]] == [1, 1] + list(images.shape[1:])
    ys, unused = run_class(source, weights, x)  # the generated model runs one canvas at a time; batch here is fine
    if unused:
        raise ValueError(f"sample: weights never read: {unused}")
    labels = np.fromfile(os.path.join(sample, "model", "pytorch_labels.bin"), dtype=np.uint8)
    labels = labels.reshape(-1, *images.shape[1:])[:len(images)]
    same = float((ys[0].argmax(1).numpy() == labels).mean())
    print(f"  FashionSegmentation sample: UNetFashion on {len(images)} canvases, same label as PyTorch on "
          f"{same * 100:.3f}% of pixels")
    return same


def main():
    fixture_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "generated")
    forward = os.path.join(ROOT, "tests", "VisionGen.Tests", "Forward")
    torch.set_num_threads(1)
    print("forward networks:")
    n1, f1 = check_fixture_set(os.path.join(forward, "ForwardNetworks.cs"), fixture_dir, "forward_manifest.json")
    print("op cases:")
    n2, f2 = check_fixture_set(os.path.join(forward, "OpModels.cs"), os.path.join(fixture_dir, "ops"), "manifest.json")
    print(f"  {n2 - f2}/{n2} op cases ok")
    same = check_sample()
    if f1 or f2 or same < 0.999:
        print(f"FAILED: {f1} network(s), {f2} op case(s)")
        sys.exit(1)
    print("all C# Forward mirrors reproduce the PyTorch fixtures")


if __name__ == "__main__":
    main()
