#!/usr/bin/env python3
"""Per-frame plot of deltacnn-bench runs: our dense and delta ms per frame, onnxruntime's median
as a line, and the delta run's active fraction (MAC-weighted) on a second axis.

Usage: plot_bench.py OUT.png TITLE RUN.csv[:LABEL] [RUN.csv[:LABEL] ...] [--ort MS]
Each CSV is written by `deltacnn-bench --csv` (frame, dense_ms, delta_ms, keyframe,
input_active, mean_active). The dense curve is drawn from the first CSV; every CSV adds its
delta curve under its label. --ort draws onnxruntime's median ms as a horizontal line.
An incomplete last row (what an interrupted deltacnn-bench leaves) is skipped with a warning;
a bad row anywhere else is an error naming the file and line.
"""
import csv
import sys


def fail(message):
    sys.stderr.write(f"plot_bench: {message}\n")
    sys.exit(2)


NEED = {"frame": int, "dense_ms": float, "delta_ms": float, "keyframe": int,
        "mean_active": float}


def row_problem(row):
    """Why a CSV row cannot be plotted (None when it can)."""
    if None in row:
        return "more fields than the header"
    for key, kind in NEED.items():
        value = row.get(key)
        if value is None or value == "":
            return f"no {key}"
        try:
            kind(value)
        except ValueError:
            return f"{key} {value!r} is not a number"
    return None


def read_run(path):
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            rows = [(reader.line_num, row) for row in reader]
            header = reader.fieldnames or []
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    except (csv.Error, UnicodeDecodeError) as e:
        fail(f"{path}: not a CSV file: {e}")
    if not set(NEED).issubset(header):
        fail(f"{path}: expected a deltacnn-bench --csv file with columns {sorted(NEED)}")
    good = []
    for i, (line, row) in enumerate(rows):
        problem = row_problem(row)
        if problem is None:
            good.append(row)
        elif i == len(rows) - 1:  # an interrupted run: the last line written in part
            sys.stderr.write(f"plot_bench: warning: {path} line {line}: incomplete last row "
                             f"({problem}; an interrupted run?), skipped\n")
        else:
            fail(f"{path} line {line}: {problem}")
    if not good:
        fail(f"{path}: no complete rows")
    return good


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        fail("expected OUT.png TITLE RUN.csv[:LABEL] ...")
    out, title = argv[1], argv[2]
    ort = None
    runs = []
    args = argv[3:]
    i = 0
    while i < len(args):
        if args[i] == "--ort":
            if i + 1 >= len(args):
                fail("--ort needs a value in ms")
            try:
                ort = float(args[i + 1])
            except ValueError:
                fail(f"--ort {args[i + 1]}: expected a number of ms")
            i += 2
            continue
        path, _, label = args[i].partition(":")
        runs.append((read_run(path), label or path))
        i += 1
    if not runs:
        fail("give at least one CSV")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is missing: run scripts/plot-bench.sh (it installs python3-matplotlib)")

    fig, ax = plt.subplots(figsize=(11, 4.8))
    first = runs[0][0]
    frames = [int(r["frame"]) for r in first]
    ax.plot(frames, [float(r["dense_ms"]) for r in first], color="0.45", lw=0.8, label="our dense")
    colors = ["tab:blue", "tab:green", "tab:purple", "tab:orange"]
    for k, (rows, label) in enumerate(runs):
        ax.plot([int(r["frame"]) for r in rows], [float(r["delta_ms"]) for r in rows], color=colors[k % 4],
                lw=0.8, label=f"our delta ({label})")
    if ort is not None:
        ax.axhline(ort, color="tab:red", lw=1.2, ls="--", label=f"onnxruntime dense (median {ort:.1f} ms)")
    ax.set_xlabel("frame")
    ax.set_ylabel("ms per frame")
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(frames, [float(r["mean_active"]) for r in first], color="tab:blue", lw=0.5, alpha=0.35,
             label=f"active fraction, MAC-weighted ({runs[0][1]})")
    ax2.set_ylabel("active fraction")
    ax2.set_ylim(0, 1.05)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper right", fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"plot_bench: wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
