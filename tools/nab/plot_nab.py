#!/usr/bin/env python3
"""Plot what the anomaly detector saw on NAB series: one self-contained HTML page per series.

Usage
-----
  plot_nab.py --data DATA_DIR --windows combined_windows.json --profiles profiles.json \
              --results RESULTS_DIR --out OUT_DIR [--profile standard] [--threshold T]

Reads the same files as nab_score.py (and uses its code, so the threshold, the windows, the
probation period, detections and false positives are exactly the ones the score counts) and writes
OUT_DIR/<category>/<name>.html for every series plus OUT_DIR/index.html. Each page is one inline SVG
(no script, no external file): the value, the anomaly score on a log scale with the threshold, NAB's
labelled windows (hit or missed), the probation period, the detection that counts for each window,
later detections inside a window, and every false positive. Hovering a marker shows its row.

The threshold is NAB's corpus-wide sweep for the profile over every series under DATA_DIR (as
tools/score-nab prints it) unless --threshold is given.

Exit status: 0 written; 1 some series have no results file; 2 bad input.
"""

import argparse
import html
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nab_score  # noqa: E402  (the scorer next to this file)

WIDTH = 1200          # plot area, pixels
VALUE_HEIGHT = 260
SCORE_HEIGHT = 160
MARGIN_LEFT = 70
MARGIN_RIGHT = 20
GAP = 30
TOP = 24
SCORE_FLOOR = 1e-4    # log scale of the score panel: 1e-4 .. 1 (0 is drawn at the floor)


def classify(series, threshold):
    """Rows of one series by what NAB makes of them at a threshold.

    Returns (counted, extra, false_positives): the earliest detection of each window (the one that
    scores), later detections in a window (neither rewarded nor penalised), and detections outside
    every window. Rows inside the probation period are never detections."""
    counted = {}
    extra = []
    false_positives = []
    windows = series.windows
    w = 0
    for i in range(int(series.probation), series.n_rows):
        while w < len(windows) and windows[w][1] < i:
            w += 1
        if series.scores[i] < threshold:
            continue
        inside = w < len(windows) and windows[w][0] <= i <= windows[w][1]
        if inside:
            if w in counted:
                extra.append(i)
            else:
                counted[w] = i
        else:
            false_positives.append(i)
    return counted, extra, false_positives


class Frame:
    """Pixel coordinates of one series' two panels."""

    def __init__(self, n_rows, values):
        self.n_rows = n_rows
        finite = [v for v in values if math.isfinite(v)]
        self.vmin = min(finite) if finite else 0.0
        self.vmax = max(finite) if finite else 1.0
        if self.vmax == self.vmin:
            self.vmax, self.vmin = self.vmax + 1.0, self.vmin - 1.0
        self.value_top = TOP
        self.score_top = TOP + VALUE_HEIGHT + GAP

    def x(self, row):
        return MARGIN_LEFT + (row / max(1, self.n_rows - 1)) * WIDTH

    def y_value(self, value):
        return self.value_top + VALUE_HEIGHT * (1.0 - (value - self.vmin) / (self.vmax - self.vmin))

    def y_score(self, score):
        s = max(SCORE_FLOOR, min(1.0, score))
        frac = (math.log10(s) - math.log10(SCORE_FLOOR)) / -math.log10(SCORE_FLOOR)
        return self.score_top + SCORE_HEIGHT * (1.0 - frac)


def columns(n_rows):
    """Row ranges per pixel column (at most WIDTH columns)."""
    count = min(WIDTH, n_rows)
    return [(c * n_rows // count, (c + 1) * n_rows // count) for c in range(count)]


def value_path(frame, values):
    """Min and max of the values per pixel column: every spike survives the decimation."""
    points = []
    for lo, hi in columns(len(values)):
        chunk = values[lo:hi]
        x = frame.x((lo + hi - 1) / 2.0)
        points.append("%.1f,%.1f" % (x, frame.y_value(min(chunk))))
        points.append("%.1f,%.1f" % (x, frame.y_value(max(chunk))))
    return " ".join(points)


def score_bars(frame, scores):
    """The highest score per pixel column, as a bar from the floor (zero columns are not drawn)."""
    parts = []
    floor = frame.y_score(0.0)
    for lo, hi in columns(len(scores)):
        top = max(scores[lo:hi])
        if top > 0.0:
            x = frame.x((lo + hi - 1) / 2.0)
            parts.append("M%.1f %.1fV%.1f" % (x, floor, frame.y_score(top)))
    return "".join(parts)


def marker(frame, css, row, timestamps, values, scores, label):
    tip = "%s: row %d, %s, value %s, score %.6g" % (label, row, timestamps[row], values[row], scores[row])
    return ('<g class="%s"><title>%s</title><circle cx="%.1f" cy="%.1f" r="4"/>'
            '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/></g>'
            % (css, html.escape(tip), frame.x(row), frame.y_value(values[row]),
               frame.x(row), frame.score_top, frame.x(row), frame.score_top + SCORE_HEIGHT))


def svg(series, timestamps, values, threshold, classes):
    counted, extra, false_positives = classes
    frame = Frame(series.n_rows, values)
    scores = series.scores
    total_height = frame.score_top + SCORE_HEIGHT + 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (MARGIN_LEFT + WIDTH + MARGIN_RIGHT, total_height, MARGIN_LEFT + WIDTH + MARGIN_RIGHT,
              total_height), "<style>%s</style>" % STYLE]
    both = (frame.value_top, frame.score_top + SCORE_HEIGHT)
    # probation: never scored by NAB
    if series.probation > 0:
        out.append('<rect class="probation" x="%.1f" y="%d" width="%.1f" height="%d"><title>probation: '
                   'the first %d rows are not scored</title></rect>'
                   % (frame.x(0), both[0], frame.x(series.probation) - frame.x(0), both[1] - both[0],
                      series.probation))
    for index, (left, right) in enumerate(series.windows):
        hit = index in counted
        out.append('<rect class="window %s" x="%.1f" y="%d" width="%.1f" height="%d"><title>labelled window '
                   '%s .. %s (%s)</title></rect>'
                   % ("hit" if hit else "missed", frame.x(left), both[0],
                      max(1.0, frame.x(right) - frame.x(left)), both[1] - both[0],
                      timestamps[left], timestamps[right], "detected" if hit else "missed"))
    # axes and labels
    for top, height, name in ((frame.value_top, VALUE_HEIGHT, "value"),
                              (frame.score_top, SCORE_HEIGHT, "score (log)")):
        out.append('<rect class="frame" x="%d" y="%d" width="%d" height="%d"/>'
                   % (MARGIN_LEFT, top, WIDTH, height))
        out.append('<text class="axis" x="%d" y="%d">%s</text>' % (MARGIN_LEFT, top - 5, name))
    out.append('<text class="axis" x="4" y="%.1f">%.4g</text>' % (frame.value_top + 10, frame.vmax))
    out.append('<text class="axis" x="4" y="%.1f">%.4g</text>'
               % (frame.value_top + VALUE_HEIGHT, frame.vmin))
    for level in (1.0, 1e-2, SCORE_FLOOR):
        out.append('<text class="axis" x="4" y="%.1f">%g</text>' % (frame.y_score(level) + 4, level))
    for row in (0, series.n_rows // 2, series.n_rows - 1):
        out.append('<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>'
                   % (min(max(frame.x(row), MARGIN_LEFT + 70), MARGIN_LEFT + WIDTH - 70), total_height - 12,
                      html.escape(timestamps[row])))
    out.append('<polyline class="value" points="%s"/>' % value_path(frame, values))
    out.append('<path class="score" d="%s"/>' % score_bars(frame, scores))
    y = frame.y_score(threshold)
    out.append('<line class="threshold" x1="%d" y1="%.1f" x2="%d" y2="%.1f"><title>threshold %.10g</title></line>'
               % (MARGIN_LEFT, y, MARGIN_LEFT + WIDTH, y, threshold))
    for row in extra:
        out.append(marker(frame, "detection-extra", row, timestamps, values, scores,
                          "later detection in a window (not counted)"))
    for row in false_positives:
        out.append(marker(frame, "false-positive", row, timestamps, values, scores, "false positive"))
    for row in counted.values():
        out.append(marker(frame, "detection", row, timestamps, values, scores, "detection"))
    out.append("</svg>")
    return "\n".join(out)


STYLE = """
body { font-family: sans-serif; margin: 16px; color: #222; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.axis { font-size: 11px; fill: #555; }
.frame { fill: none; stroke: #bbb; }
.probation { fill: #eee; }
.window.hit { fill: #cdeccd; } .window.missed { fill: #f6d2d2; }
.value { fill: none; stroke: #1f5fa8; stroke-width: 1; }
.score { stroke: #6a3d9a; stroke-width: 1; }
.threshold { stroke: #e08000; stroke-width: 1.5; stroke-dasharray: 6 3; }
.detection circle { fill: #1a9a1a; } .detection line { stroke: #1a9a1a; }
.detection-extra circle { fill: none; stroke: #1a9a1a; } .detection-extra line { stroke: none; }
.false-positive circle { fill: #d62728; } .false-positive line { stroke: #d62728; stroke-opacity: 0.5; }
.key span { display: inline-block; margin-right: 14px; }
"""

KEY = ('<p class="key"><span style="color:#1f5fa8">&#9472; value</span>'
       '<span style="color:#6a3d9a">| score (highest per pixel, log scale)</span>'
       '<span style="color:#e08000">- - threshold</span>'
       '<span style="background:#cdeccd">labelled window, detected</span>'
       '<span style="background:#f6d2d2">labelled window, missed</span>'
       '<span style="background:#eee">probation (not scored)</span>'
       '<span style="color:#1a9a1a">&#9679; detection that counts</span>'
       '<span style="color:#1a9a1a">&#9675; later detection in the window</span>'
       '<span style="color:#d62728">&#9679; false positive</span></p>')


def page(series, timestamps, values, threshold, profile, result, classes):
    counted, extra, false_positives = classes
    title = html.escape(series.name)
    summary = ('<table><tr><th>threshold (%s)</th><th>rows</th><th>windows</th><th>detected</th>'
               '<th>false positives</th><th>raw score</th></tr><tr><td>%.10g</td><td>%d</td><td>%d</td>'
               '<td>%d</td><td>%d</td><td>%.4f</td></tr></table>'
               % (html.escape(profile), threshold, series.n_rows, len(series.windows), len(counted),
                  len(false_positives), result["score"]))
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>%s</title>'
            '<style>%s</style></head>\n<body data-series="%s" data-threshold="%.10g" data-windows="%d" '
            'data-detected="%d" data-false-positives="%d">\n<h1>%s</h1>\n%s\n%s\n%s\n</body></html>\n'
            % (title, STYLE, title, threshold, len(series.windows), len(counted), len(false_positives),
               title, summary, KEY, svg(series, timestamps, values, threshold, classes)))


def index_page(rows, threshold, profile):
    lines = ["<tr><td><a href=\"%s\">%s</a></td><td>%d</td><td>%d</td><td>%d</td><td>%.4f</td></tr>"
             % (html.escape(link), html.escape(name), windows, detected, fps, raw)
             for name, link, windows, detected, fps, raw in rows]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>NAB plots</title>'
            '<style>%s</style></head>\n<body>\n<h1>What the detector saw</h1>\n<p>threshold %.10g '
            '(%s)</p>\n<table><tr><th>series</th><th>windows</th><th>detected</th><th>false positives</th>'
            '<th>raw score</th></tr>\n%s\n</table>\n</body></html>\n'
            % (STYLE, threshold, html.escape(profile), "\n".join(lines)))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot NAB series with the detector's scores.")
    parser.add_argument("--data", required=True)
    parser.add_argument("--windows", required=True)
    parser.add_argument("--profiles", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--profile", default="standard", choices=nab_score.PROFILE_NAMES)
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    try:
        warnings = []
        series_list, missing, _ = nab_score.load_corpus(args.data, args.windows, args.results, warnings)
        if missing:
            print("no results file for %d series, e.g. %s" % (len(missing), missing[0]), file=sys.stderr)
            return 1
        cost = nab_score.load_profiles(args.profiles)[args.profile]
        threshold = args.threshold
        if threshold is None:
            threshold = nab_score.sweep_threshold(series_list, cost)[0]
        rows = []
        for series in series_list:
            data_path = os.path.join(args.data, *series.name.split("/"))
            timestamps, raw_values = nab_score.read_columns(data_path, ["timestamp", "value"])
            values = [float(v) for v in raw_values]
            series.scores = [p for p in _scores(args.results, series.name)]
            classes = classify(series, threshold)
            result = series.score(threshold, cost)
            target = os.path.join(args.out, *series.name.split("/"))[:-len(".csv")] + ".html"
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(page(series, timestamps, values, threshold, args.profile, result, classes))
            rows.append((series.name, series.name[:-len(".csv")] + ".html", len(series.windows),
                         len(classes[0]), len(classes[2]), result["score"]))
        with open(os.path.join(args.out, "index.html"), "w", encoding="utf-8") as handle:
            handle.write(index_page(rows, threshold, args.profile))
    except (nab_score.InputError, ValueError) as e:
        print(e, file=sys.stderr)
        return 2
    print("plotted %d series at threshold %.10g (%s) in %s" % (len(rows), threshold, args.profile, args.out))
    return 0


def _scores(results_dir, name):
    (texts,) = nab_score.read_columns(os.path.join(results_dir, *name.split("/")), ["anomaly_score"])
    return [float(t) for t in texts]


if __name__ == "__main__":
    sys.exit(main())
