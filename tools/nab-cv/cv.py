#!/usr/bin/env python3
"""Nested cross-validation of the anomaly detector on NAB, by series.

For k folds (series sorted by path, series i in fold i mod k; k = 2, 5 and 37 = leave one series
out): on the other folds, every variant of variants.json is replayed and NAB's own standard-profile
threshold sweep runs on those series only; the variant with the best training score and its swept
threshold are then scored on the held-out fold. The held-out raw scores of all folds are summed and
normalised over all windows, as NAB normalises a corpus. Nothing of a held-out series (labels,
scores) takes part in choosing its variant or threshold.

usage: tools/nab-cv/cv.py [--variants tools/nab-cv/variants.json] [--out target/nab-cv] [--folds 2,5,37]
Needs bundles/pipeline built (tools/replay-nab builds it); data, labels and NAB's scorer are in tools/nab.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NAB = os.path.join(REPO, "tools", "nab")
DESCRIPTOR = os.path.join(REPO, "bundles/models/anomaly-ae/src/main/resources/model")


def replay(name, overrides, data, out):
    """Writes a descriptor with the overrides next to the committed ONNX file and replays NAB with it."""
    d = os.path.join(out, "descriptors", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(DESCRIPTOR, "model.json")) as f:
        desc = json.load(f)
    desc["properties"].update(overrides)
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(desc, f, indent=2)
    shutil.copy(os.path.join(DESCRIPTOR, desc["file"]), os.path.join(d, desc["file"]))
    results = os.path.join(out, "results", name)
    subprocess.run([os.path.join(REPO, "tools/replay-nab"), data, results, "--model", os.path.join(d, "model.json")],
                   check=True, stdout=subprocess.DEVNULL)
    return results


def subset(out, tag, series, data):
    """A data folder of symbolic links to some of the series, for the scorer."""
    d = os.path.join(out, "folds", tag)
    if os.path.isdir(d):
        shutil.rmtree(d)
    for s in series:
        os.makedirs(os.path.dirname(os.path.join(d, s)), exist_ok=True)
        os.symlink(os.path.join(data, s), os.path.join(d, s))
    return d


def score(data, results, threshold=None):
    cmd = [sys.executable, os.path.join(NAB, "nab_score.py"), "--data", data,
           "--windows", os.path.join(NAB, "labels/combined_windows.json"),
           "--profiles", os.path.join(NAB, "config/profiles.json"),
           "--results", results, "--profile", "standard", "--json"]
    if threshold is not None:
        cmd += ["--threshold", repr(threshold)]
    p = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["profiles"][0]
    return p["raw_score"], p["threshold"], p["windows"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default=os.path.join(HERE, "variants.json"))
    ap.add_argument("--out", default=os.path.join(REPO, "target/nab-cv"))
    ap.add_argument("--folds", default="2,5,37", help="fold counts, comma-separated")
    a = ap.parse_args()
    data = os.path.join(NAB, "data")
    out = os.path.abspath(a.out)
    with open(a.variants) as f:
        variants = {k: v for k, v in json.load(f).items() if not k.startswith("_")}
    results = {}
    for name, overrides in variants.items():
        results[name] = replay(name, overrides, data, out)
        raw, thr, _ = score(data, results[name])
        print(f"in-sample  {name:22s} raw {raw:8.3f}  threshold {thr!r}", flush=True)
    series = sorted(os.path.relpath(p, data) for p in glob.glob(os.path.join(data, "*", "*.csv")))
    windows = score(data, results[next(iter(variants))])[2]
    for k in [int(x) for x in a.folds.split(",")]:
        total = 0.0
        picks = []
        for f in range(k):
            train = [s for i, s in enumerate(series) if i % k != f]
            test = [s for i, s in enumerate(series) if i % k == f]
            dtrain = subset(out, f"k{k}-f{f}-train", train, data)
            dtest = subset(out, f"k{k}-f{f}-test", test, data)
            best = max(((score(dtrain, results[n])[:2], n) for n in variants), key=lambda b: b[0][0])
            (_, thr), name = best
            raw, _, _ = score(dtest, results[name], thr)
            total += raw
            picks.append(f"{name}@{thr:.5f}")
        nab_score = 100.0 * (total + windows) / (2.0 * windows)
        counts = {p: picks.count(p) for p in sorted(set(picks))}
        print(f"{k}-fold nested CV, NAB standard {nab_score:.2f}; chosen: {counts}", flush=True)


if __name__ == "__main__":
    main()
