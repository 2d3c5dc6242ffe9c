"""Latency (p50, p95) and throughput against concurrency, one line per serving path.

Runs in the *rasa* environment, which has matplotlib: ``python -m bench.plot bench.json out.png``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.report import PATH_NAMES


def plot(report: dict[str, Any], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.5))
    for path, result in report["serving"].items():
        rows = [r for r in result["levels"] if r["p50_ms"] is not None]
        users = [r["users"] for r in rows]
        line, = latency.plot(users, [r["p50_ms"] for r in rows], marker="o", label=f"{PATH_NAMES[path]} p50")
        latency.plot(users, [r["p95_ms"] for r in rows], marker="x", linestyle="--",
                     color=line.get_color(), label=f"{PATH_NAMES[path]} p95")
        throughput.plot(users, [r["throughput"] for r in rows], marker="o", label=PATH_NAMES[path])
    latency.set(xscale="log", yscale="log", xlabel="concurrent customers", ylabel="latency (ms)",
                title="Latency per message")
    throughput.set(xscale="log", xlabel="concurrent customers", ylabel="messages / s",
                   title="Throughput")
    for axes in (latency, throughput):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(png, dpi=90)
    plt.close(figure)


if __name__ == "__main__":
    plot(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
