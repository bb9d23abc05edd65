#!/usr/bin/python3
"""Trains the NAB anomaly autoencoder and writes the model bundle's resources.

Output (default: bundles/models/anomaly-ae/src/main/resources/model/):
  nab-ae.onnx   dense autoencoder, input `window` [-1, W], output `reconstruction` [-1, W]
  model.json    descriptor read by the ONNX extender and by AnomalyScorer (ScorerSettings)

NAB rules: the model is trained only on the probation prefix (first min(15 %, 750) rows, NAB's
own probation length) of each series, which NAB never scores. Windows are normalised exactly as
the Java scorer normalises them at run time: with the series' running (causal) mean and standard
deviation of all values seen so far, so row i's window uses rows <= i only.

Deterministic: fixed seeds, one thread, deterministic algorithms; reruns give byte-identical files.
Run with Debian's python (torch 1.13, onnx 1.12):  /usr/bin/python3 tools/train-anomaly/train.py
"""
import argparse
import csv
import glob
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DATA = os.path.join(ROOT, "tools", "nab", "data")
DEFAULT_OUT = os.path.join(ROOT, "bundles", "models", "anomaly-ae", "src", "main", "resources", "model")

WINDOW = 64
HIDDEN = 32
BOTTLENECK = 8
EPOCHS = 30
BATCH = 128
LR = 1e-3
SEED = 20240601
VERSION = "1.4.0"

# Run-time parameters of io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer (all strings).
# `threshold` is the standard-profile threshold found by NAB's corpus-wide sweep on the Java
# replay's output (see docs/quality.md). The season.* values and the 1.0.0 parameters were chosen
# by comparing NAB scores; docs/quality.md says which were chosen on what and gives the cross-validated figures.
SCORER_PROPERTIES = {
    "window.size": str(WINDOW),
    "normaliser.std.floor": "0.001",
    "normaliser.clip": "20",
    "error.tail": str(WINDOW),
    "likelihood.learning.rows": "150",
    "likelihood.history.rows": "8640",
    "likelihood.average.rows": "1",
    "likelihood.reestimate.rows": "100",
    "likelihood.log.scale": "30",
    "spatial.tolerance": "0.02",
    # seasonal-difference channels: value minus the value a day (a week) earlier, root mean square
    # over 3 rows, each through its own likelihood and weighted; chosen on NAB scores (docs/quality.md)
    "season.hours": "24",
    "season.average.rows": "3",
    "season.weight": "0.3",
    "week.hours": "168",
    "week.weight": "0.3",
    # weekly gate (1.3.0): the weekly channel scores only while a week-old value has predicted the series
    # better than a day-old one (mean squared errors, half-life 2 weeks, at least 2 weeks of comparisons)
    "week.gate.ratio": "1",
    "week.gate.seasons": "2",
    # median levels (1.2.0): the running median of 3 rows leaves every level it had, or settles in a bin of 32
    # over its range with no visit in it or the next bin either side; scores after 576 rows
    "median.rows": "3",
    "median.weight": "0.5",
    "median.learning.rows": "576",
    "median.bins": "32",
    "median.neighbours": "1",
    # refractory envelope (1.2.0): echoes of an alarm do not alarm again; held 24 rows at 3 times
    "refractory.halflife.rows": "20",
    "refractory.hold.rows": "24",
    "refractory.hold.factor": "3",
    # window hold (1.4.0): after a score of the autoencoder window's likelihood passes, the envelope is held for
    # a window's length of rows (the event stays in the window that long and its error keeps setting records)
    "refractory.hold.window.rows": str(WINDOW),
    # the standard-profile threshold of NAB's corpus-wide sweep on the Java replay (docs/quality.md)
    "threshold": "0.009289175346617995",
    "clear.threshold": "0.001",
}


def probation(n):
    """NAB's probationary period: rows never scored."""
    return min(int(math.floor(0.15 * n)), 750)


def load_series(data_dir):
    series = {}
    for path in sorted(glob.glob(os.path.join(data_dir, "*", "*.csv"))):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))[1:]
        series[os.path.relpath(path, data_dir).replace(os.sep, "/")] = np.array([float(r[1]) for r in rows])
    if not series:
        sys.exit("no *.csv series under " + data_dir)
    return series


def normalised_windows(values, window=WINDOW, floor=1e-3, clip=20.0):
    """Every full window of `values`, z-scored with the running mean/std at its last row.

    Mirrors the Java RunningNormaliser: population variance over all values so far, the standard
    deviation floored at floor * max(1, |mean|).
    """
    v = np.asarray(values, dtype=np.float64)
    k = np.arange(1, len(v) + 1)
    mean = np.cumsum(v) / k
    var = np.maximum(np.cumsum(v * v) / k - mean * mean, 0.0)
    ends = np.arange(window - 1, len(v))
    std = np.maximum(np.sqrt(var[ends]), floor * np.maximum(1.0, np.abs(mean[ends])))
    win = np.lib.stride_tricks.sliding_window_view(v, window)
    return np.clip((win - mean[ends][:, None]) / std[:, None], -clip, clip).astype(np.float32)


class AutoEncoder(torch.nn.Module):
    """Dense W -> 32 -> 8 -> 32 -> W autoencoder with tanh activations."""

    def __init__(self, window=WINDOW):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(window, HIDDEN), torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, BOTTLENECK), torch.nn.Tanh(),
            torch.nn.Linear(BOTTLENECK, HIDDEN), torch.nn.Tanh(),
            torch.nn.Linear(HIDDEN, window))

    def forward(self, window):
        return self.net(window)


def training_set(series):
    parts = [normalised_windows(v[:probation(len(v))]) for v in series.values()]
    return torch.tensor(np.concatenate([p for p in parts if len(p)]))


def train(x):
    model = AutoEncoder()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(x), generator=gen)
        total = 0.0
        for i in range(0, len(x), BATCH):
            xb = x[perm[i:i + BATCH]]
            loss = torch.mean((model(xb) - xb) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1}: mse {total / len(x):.4f}", file=sys.stderr)
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA, help="NAB data dir (<category>/<series>.csv)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder for nab-ae.onnx and model.json")
    args = ap.parse_args()

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    series = load_series(args.data)
    x = training_set(series)
    print(f"{len(series)} series, {len(x)} probation windows of {WINDOW}", file=sys.stderr)
    model = train(x)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "nab-ae.onnx")
    torch.onnx.export(model, torch.zeros(1, WINDOW), onnx_path, opset_version=13,
                      input_names=["window"], output_names=["reconstruction"],
                      dynamic_axes={"window": {0: "batch"}, "reconstruction": {0: "batch"}})
    with open(onnx_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()

    test_in = x[len(x) // 2:len(x) // 2 + 1]
    with torch.no_grad():
        test_out = model(test_in)
    descriptor = {
        "name": "nab-ae",
        "version": VERSION,
        "description": f"Dense {WINDOW}-{HIDDEN}-{BOTTLENECK}-{HIDDEN}-{WINDOW} autoencoder for univariate "
                       "sensor windows, trained on the NAB probation prefixes",
        "file": "nab-ae.onnx",
        "sha256": sha,
        "inputs": [{"name": "window", "type": "float", "shape": [-1, WINDOW]}],
        "outputs": [{"name": "reconstruction", "type": "float", "shape": [-1, WINDOW]}],
        "properties": SCORER_PROPERTIES,
        "test": {"input": [[float(v) for v in test_in[0]]],
                 "output": [[float(v) for v in test_out[0]]],
                 "tolerance": 1e-4},
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(descriptor, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha})", file=sys.stderr)


if __name__ == "__main__":
    main()
