"""Engine vs R ``surveillance::farringtonFlexible`` on the Noufaily et al. (2013) design.

    .venv/bin/python bench/engine_vs_r.py [--reps 1] [--scenarios 1-42] [--seed 1] [--no-r]

Simulates ``reps`` series per scenario (624 weeks; the last 49 monitored) and their outbreak-free
twins, runs both presets (``farrington``, ``noufaily``) through the engine and, when ``Rscript``
with ``surveillance`` is available, through R (``bench/_r_farrington.R``, one subprocess).
Prints milliseconds per (series, week) for each, the speed ratio, alarm agreement, Cohen's kappa,
and FPR / POD (``accord.analytics.evaluate``) for both. Targets: engine >= 200x faster than R
per (series, week) and >= 99 % alarm agreement.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from accord.analytics import methods
from accord.analytics.evaluate import evaluate
from accord.analytics.series import CountSeries
from accord.analytics.simulate import SCENARIOS, simulate

HERE = Path(__file__).resolve().parent
PRESETS = ("farrington", "noufaily")

# R side of --glrnb: surveillance::glrnb with the default control (alpha estimated by glm.nb)
GLRNB_R = """
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
input <- read.csv(args[1], colClasses = c("character", "integer", "numeric"))
first <- as.integer(args[2]); last <- as.integer(args[3])
rows <- list(); elapsed <- 0
for (s in unique(input$series)) {
  obs <- input$observed[input$series == s][order(input$t[input$series == s])]
  x <- sts(observed = obs, frequency = 52, start = c(2000, 1))
  tic <- proc.time()[["elapsed"]]
  r <- suppressMessages(suppressWarnings(glrnb(x, control = list(range = first:last, c.ARL = 5))))
  elapsed <- elapsed + proc.time()[["elapsed"]] - tic
  rows[[length(rows) + 1]] <- data.frame(preset = "glrnb", series = s, t = first:last,
    alarm = as.integer(alarms(r)[, 1]), upperbound = sprintf("%.10g", upperbound(r)[, 1]))
}
cat(sprintf("TIMING glrnb %.6f\\n", elapsed))
write.csv(do.call(rbind, rows), args[4], row.names = FALSE, quote = FALSE)
"""


def r_value(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (tuple, list)):
        return "c(" + ", ".join(r_value(x) for x in v) + ")"
    return '"' + str(v) + '"'


def r_controls() -> str:
    """The engine's presets as R control lists (same field names as farringtonFlexible)."""
    lines = ["controls <- list("]
    for name in PRESETS:
        ctl = methods.make_control(name)
        fields = {f.name: getattr(ctl, f.name) for f in dataclasses.fields(ctl)}
        body = ", ".join(f"{k} = {r_value(v)}" for k, v in fields.items())
        lines.append(f"  {name} = list({body}),")
    lines[-1] = lines[-1].rstrip(",")
    lines.append(")")
    return "\n".join(lines) + "\n"


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two boolean arrays."""
    a, b = a.ravel().astype(bool), b.ravel().astype(bool)
    po = np.mean(a == b)
    pa, pb = a.mean(), b.mean()
    pe = pa * pb + (1 - pa) * (1 - pb)
    return float((po - pe) / (1 - pe)) if pe < 1 else 1.0


def run_r(
    obs: np.ndarray, first: int, last: int, workdir: Path, *, glrnb: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Alarms (n_series, n_weeks) per preset from R, and seconds spent in the R detector."""
    src = workdir / "input.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["series", "t", "observed"])
        for i in range(obs.shape[0]):
            for t in range(obs.shape[1]):
                w.writerow([f"s{i:05d}", t + 1, int(obs[i, t])])
    out = workdir / "r_out.csv"
    if glrnb:
        (workdir / "glrnb.R").write_text(GLRNB_R)
        cmd = ["Rscript", str(workdir / "glrnb.R"), str(src), str(first), str(last), str(out)]
    else:
        (workdir / "controls.R").write_text(r_controls())
        script = str(HERE / "_r_farrington.R")
        cmd = [
            "Rscript",
            script,
            str(src),
            str(workdir / "controls.R"),
            str(first),
            str(last),
            str(out),
        ]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"R failed:\n{proc.stderr[-2000:]}")
    seconds = {
        ln.split()[1]: float(ln.split()[2])
        for ln in proc.stdout.splitlines()
        if ln.startswith("TIMING")
    }
    n_weeks = last - first + 1
    alarms = {p: np.zeros((obs.shape[0], n_weeks), dtype=bool) for p in seconds}
    with open(out) as fh:
        for row in csv.DictReader(fh):
            alarms[row["preset"]][int(row["series"][1:]), int(row["t"]) - first] = (
                row["alarm"] == "1"
            )
    return alarms, seconds


def parse_scenarios(text: str) -> list[int]:
    ids: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        ids.extend(range(int(lo), int(hi or lo) + 1))
    return ids


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--reps", type=int, default=1, help="series per scenario (default 1)")
    ap.add_argument("--scenarios", default="1-42", help="scenario ids, e.g. 1-42 or 1,5,9-12")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-r", action="store_true", help="engine only")
    ap.add_argument(
        "--glrnb", action="store_true", help="also compare glrnb (default control, c.ARL = 5)"
    )
    args = ap.parse_args()

    scen = [s for s in SCENARIOS if s.id in set(parse_scenarios(args.scenarios))]
    sim = simulate(scen, n_reps=args.reps, rng=args.seed)
    t = sim.monitored
    first, last = int(t[0]) + 1, int(t[-1]) + 1
    # series and twins together, as one batch: rows [0, n) outbreak, [n, 2n) twins
    obs = np.vstack([sim.series.observed, sim.twin.observed])
    n = sim.series.n_series
    cells = obs.shape[0] * t.size
    state = sim.current_cases[:, t] > 0
    print(
        f"{n} series + {n} twins x {t.size} monitored weeks ({first}..{last}) = {cells} (series, week)"
    )

    engine: dict[str, np.ndarray] = {}
    engine_ms: dict[str, float] = {}
    names = PRESETS + (("glrnb",) if args.glrnb else ())
    for p in names:
        methods.run(p, CountSeries(obs[:2]), t=t)  # warm-up: imports, caches
        tic = time.perf_counter()
        res = methods.run(p, CountSeries(obs), t=t)
        engine_ms[p] = (time.perf_counter() - tic) * 1e3 / cells
        engine[p] = res.alarm

    r_alarms: dict[str, np.ndarray] = {}
    r_ms: dict[str, float] = {}
    if args.no_r:
        print("R part skipped (--no-r)")
    elif shutil.which("Rscript") is None:
        print("R part skipped: Rscript not found (install r-base and r-cran-surveillance)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            tic = time.perf_counter()
            r_alarms, r_sec = run_r(obs, first, last, Path(tmp))
            if args.glrnb:
                g_alarms, g_sec = run_r(obs, first, last, Path(tmp), glrnb=True)
                r_alarms.update(g_alarms)
                r_sec.update(g_sec)
            wall = time.perf_counter() - tic
        r_ms = {p: s * 1e3 / cells for p, s in r_sec.items()}
        print(f"R subprocess wall time {wall:.1f} s")

    print()
    print(
        f"{'preset':<11} {'engine ms/sw':>13} {'R ms/sw':>10} {'ratio':>8} {'agree':>8} {'kappa':>7}"
        f"  {'FPR eng':>8} {'FPR R':>8} {'POD eng':>8} {'POD R':>8}"
    )
    for p in names:
        e = evaluate(engine[p][:n], state, engine[p][n:])["overall"]
        line = f"{p:<11} {engine_ms[p]:>13.5f}"
        if p in r_alarms:
            r = evaluate(r_alarms[p][:n], state, r_alarms[p][n:])["overall"]
            agree = float(np.mean(engine[p] == r_alarms[p]))
            line += (
                f" {r_ms[p]:>10.3f} {r_ms[p] / engine_ms[p]:>8.0f} {agree:>8.2%} {kappa(engine[p], r_alarms[p]):>7.3f}"
                f"  {e.fpr:>8.4f} {r.fpr:>8.4f} {e.pod:>8.3f} {r.pod:>8.3f}"
            )
        else:
            line += f" {'-':>10} {'-':>8} {'-':>8} {'-':>7}  {e.fpr:>8.4f} {'-':>8} {e.pod:>8.3f} {'-':>8}"
        print(line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
