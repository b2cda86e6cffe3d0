#!/usr/bin/env python3
"""Bar charts of one peers_bench run (peers_bench --plot calls this).

Usage: plot_peers.py RESULTS.csv OUT_DIR

Reads the rows peers_bench writes (kind,system,setting,workload,value) and
writes into OUT_DIR:
  peers_throughput.png  median ops/s of every system per workload (log scale)
  peers_ratios.png      Strata / peer per workload, median of per-round ratios
"""

import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

SYSTEMS = ["strata", "leveldb", "rocksdb", "sqlite", "lmdb"]
COLORS = {
    "strata": "#d62728",
    "leveldb": "#1f77b4",
    "rocksdb": "#ff7f0e",
    "sqlite": "#2ca02c",
    "lmdb": "#9467bd",
}


def read(path):
    """{kind: {(system, workload): (setting, value)}} and the workloads in file order."""
    rows, workloads = {}, []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["system"], row["workload"])
            rows.setdefault(row["kind"], {})[key] = (row["setting"], float(row["value"]))
            if row["kind"] == "rate" and row["workload"] not in workloads:
                workloads.append(row["workload"])
    return rows, workloads


def grouped_bars(ax, workloads, systems, value_of, base=None):
    """One group of bars per workload, one bar per system; with `base`, each
    bar grows from it (up or down) instead of from the axis."""
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        xs = [w + (i - (len(systems) - 1) / 2) * width for w in range(len(workloads))]
        ys = [value_of(system, workload) for workload in workloads]
        if base is None:
            ax.bar(xs, ys, width, label=system, color=COLORS.get(system))
        else:
            heights = [y - base for y in ys]
            ax.bar(xs, heights, width, bottom=base, label=system, color=COLORS.get(system))
    ax.set_xticks(range(len(workloads)))
    ax.set_xticklabels(workloads)
    ax.set_yscale("log")
    ax.grid(axis="y", which="both", alpha=0.3)


def below(ax, handles, labels):
    """The legend under the axes, where it hides no bar."""
    ax.legend(handles, labels, fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.08))


def legend_label(rates, system):
    relaxed = next(s for (sys, w), (s, _) in rates.items() if sys == system and w != "synced-put")
    synced = rates[(system, "synced-put")][0] if (system, "synced-put") in rates else "?"
    return f"{system} ({relaxed}; synced: {synced})"


def throughput(rates, workloads, out):
    fig, ax = plt.subplots(figsize=(11, 5.5))
    grouped_bars(ax, workloads, SYSTEMS, lambda s, w: rates[(s, w)][1])
    ax.set_ylabel("ops/s (median round, log scale)")
    ax.set_title("peers_bench: 16 B keys, 100 B values, one thread (put-2t: two)")
    handles, _ = ax.get_legend_handles_labels()
    below(ax, handles, [legend_label(rates, s) for s in SYSTEMS])
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def ratios(ratio_rows, workloads, out):
    peers = [s for s in SYSTEMS if s != "strata"]
    fig, ax = plt.subplots(figsize=(11, 5.5))
    grouped_bars(ax, workloads, peers, lambda s, w: ratio_rows[(s, w)][1], base=1.0)
    ax.axhline(1.0, color="black", linewidth=1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%gx"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%gx"))
    ax.set_ylabel("Strata / peer (median of per-round ratios, log scale)")
    ax.set_title("Strata's throughput relative to each peer (above 1: Strata faster)")
    below(ax, *ax.get_legend_handles_labels())
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows, workloads = read(sys.argv[1])
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    throughput(rows["rate"], workloads, os.path.join(out_dir, "peers_throughput.png"))
    ratios(rows["ratio"], workloads, os.path.join(out_dir, "peers_ratios.png"))
    print(f"wrote peers_throughput.png and peers_ratios.png into {out_dir}")


if __name__ == "__main__":
    main()
