#!/usr/bin/env python3
"""Per-category NAB table of a results folder, next to the reference detectors.

Scores the results with NAB's scorer (standard profile, corpus threshold swept over all series), sums the
per-series raw scores per category and normalises them as NAB normalises a corpus (100 * (raw + windows)
/ (2 * windows)). The reference columns sum the per-file standard scores of
tools/nab/reference/per_file_standard_scores.csv (each detector at its own NAB threshold) over the same
series. A category without windows shows its raw score (false-positive penalties only).

usage: tools/nab-cv/categories.py RESULTS_DIR [--detectors numenta,ARTime,contextOSE]
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="results folder written by tools/replay-nab")
    ap.add_argument("--detectors", default="numenta,ARTime,contextOSE")
    a = ap.parse_args()
    nab = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "nab")
    cmd = [sys.executable, os.path.join(nab, "nab_score.py"), "--data", os.path.join(nab, "data"),
           "--windows", os.path.join(nab, "labels/combined_windows.json"),
           "--profiles", os.path.join(nab, "config/profiles.json"),
           "--results", os.path.abspath(a.results), "--profile", "standard", "--json"]
    profile = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["profiles"][0]
    detectors = a.detectors.split(",")
    reference = collections.defaultdict(dict)
    with open(os.path.join(nab, "reference/per_file_standard_scores.csv")) as f:
        for row in csv.DictReader(f):
            reference[row["File"]][row["Detector"]] = float(row["Score"])
    categories = collections.OrderedDict()
    for s in profile["series"]:
        c = categories.setdefault(s["file"].split("/")[0], collections.Counter())
        c["series"] += 1
        c["windows"] += s["windows"]
        c["detected"] += s["windows_detected"]
        c["fp"] += s["FP"]
        c["raw"] += s["score"]
        for d in detectors:
            c[d] += reference[s["file"]].get(d, 0.0)

    def cell(raw, windows):
        return f"{100.0 * (raw + windows) / (2.0 * windows):.1f}" if windows else f"raw {raw:.2f}"

    print(f"threshold {profile['threshold']!r}, NAB standard {profile['nab_score']:.2f}")
    print("| category | series | windows | detected | FP rows | this | " + " | ".join(detectors) + " |")
    print("|---|---:|---:|---:|---:|---:|" + "---:|" * len(detectors))
    for name, c in categories.items():
        cells = [cell(c["raw"], c["windows"])] + [cell(c[d], c["windows"]) for d in detectors]
        print(f"| {name} | {c['series']} | {c['windows']} | {c['detected'] if c['windows'] else '—'} | {c['fp']} | "
              + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
