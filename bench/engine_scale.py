"""One weekly run over many series, streamed in chunks: throughput and peak memory per preset.

    .venv/bin/python bench/engine_scale.py [--series 1000000] [--chunk 50000] [--presets farrington,noufaily]

Each series has five years of weekly history before the monitored week (b = 5 years plus the
w = 3 window: 5 * 52 + 3 weeks, then the monitored week), drawn from the 42 Noufaily et al. (2013)
baseline scenarios. Chunks of ``--chunk`` series are generated and detected one after another, so
memory stays bounded by one chunk. Each preset runs in its own child process so that the peak
resident set size (``resource.getrusage``) is that preset's alone; ``tracemalloc`` peaks (numpy
buffers included) are measured on the first chunk only, since tracing slows allocation.
Targets on 2 cores: farrington < 60 s and noufaily < 5 min for 1 000 000 series, < 4 GB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np

from accord.analytics import methods
from accord.analytics.series import CountSeries
from accord.analytics.simulate import SCENARIOS

N_TIME = 5 * 52 + 3 + 1  # b*52 + w weeks of history, then the monitored week


def make_chunk(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` series drawn from random Noufaily scenarios (NB with variance phi * mu)."""
    weeks = np.arange(1, N_TIME + 1)
    means = np.stack([s.mean(weeks) for s in SCENARIOS])
    phis = np.array([s.phi for s in SCENARIOS])
    pick = rng.integers(0, len(SCENARIOS), size=n)
    mu, phi = means[pick], np.broadcast_to(phis[pick][:, None], (n, N_TIME))
    out = rng.poisson(mu).astype(np.float64)
    nb = phi > 1
    out[nb] = rng.negative_binomial(mu[nb] / (phi[nb] - 1), 1 / phi[nb])
    return out


def child(preset: str, n_series: int, chunk: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    t = [N_TIME - 1]
    methods.run(preset, CountSeries(make_chunk(rng, 10)), t=t)  # warm-up: imports
    detect_s = gen_s = 0.0
    alarms = 0
    done = 0
    traced_peak = 0.0
    started = time.perf_counter()
    while done < n_series:
        n = min(chunk, n_series - done)
        tic = time.perf_counter()
        obs = make_chunk(rng, n)
        gen_s += time.perf_counter() - tic
        first = done == 0
        if first:
            tracemalloc.start()
        tic = time.perf_counter()
        res = methods.run(preset, CountSeries(obs), t=t)
        spent = time.perf_counter() - tic
        if first:
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        else:
            detect_s += spent
        alarms += int(res.alarm.sum())
        done += n
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  [{preset}] {done:>9,d}/{n_series:,d} series  chunk {spent:6.2f} s"
            f"  elapsed {time.perf_counter() - started:7.1f} s  peak RSS {rss:7.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
    # the first (traced) chunk is excluded from timing; extrapolate its share at the same rate
    timed = max(n_series - min(chunk, n_series), 1)
    rate = timed / detect_s if detect_s > 0 else float("nan")
    return {
        "series": n_series,
        "detect_s": n_series / rate,
        "series_per_s": rate,
        "generate_s": gen_s,
        "alarms": alarms,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tracemalloc_peak_chunk_mib": traced_peak,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--series", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=50_000)
    ap.add_argument("--presets", default="farrington,noufaily")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.series, args.chunk, args.seed)))
        return

    print(
        f"{args.series:,d} series x {N_TIME} weeks, monitoring week {N_TIME}; chunks of {args.chunk:,d};"
        f" {os.cpu_count()} CPUs"
    )
    results = {}
    for preset in args.presets.split(","):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                preset,
                "--series",
                str(args.series),
                "--chunk",
                str(args.chunk),
                "--seed",
                str(args.seed),
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results[preset] = json.loads(proc.stdout.strip().splitlines()[-1])
    print()
    print(
        f"{'preset':<11} {'detect s':>9} {'series/s':>10} {'alarms':>8} {'peak RSS MiB':>13} {'tracemalloc MiB/chunk':>22}"
    )
    for preset, r in results.items():
        print(
            f"{preset:<11} {r['detect_s']:>9.1f} {r['series_per_s']:>10,.0f} {r['alarms']:>8d}"
            f" {r['peak_rss_mib']:>13.0f} {r['tracemalloc_peak_chunk_mib']:>22.0f}"
        )


if __name__ == "__main__":
    main()
