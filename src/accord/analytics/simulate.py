"""Simulated weekly count series with outbreaks: the design of Noufaily et al. (2013).

Noufaily A, Enki DG, Farrington P, Garthwaite P, Andrews N, Charlett A (2013). "An improved
algorithm for outbreak detection in multiple surveillance systems." *Statistics in Medicine*
32(7):1206-1222, Section 4.

Baselines are negative binomial with mean

    mu(t) = exp(theta + beta * t + sum_{j=1}^{m} [gamma1 cos(2 pi j t / 52) + gamma2 sin(2 pi j t / 52)])

(``t`` = 1, 2, ... weeks; ``beta = 0`` without trend) and variance ``phi * mu`` (Poisson when
``phi == 1``). Seven parameter sets x {no trend, trend} x {0, 1, 2 harmonics} give the 42
scenarios. Each series gets four *past* outbreaks starting in weeks 313-575 (``k`` drawn from
{2, 3, 5, 10}) and one *current* outbreak starting in the monitored weeks 576-624 (``k`` drawn
from 1..10). An outbreak starting in week ``t0`` has Poisson(``k`` x SD) cases, SD =
``sqrt(phi * mu(t0))`` the baseline standard deviation at its start, each case occurring
``floor(LogNormal(0, 0.5))`` weeks after ``t0`` (cases falling after the last week are lost).
Every series has an *outbreak-free twin*: the same baseline and past outbreaks but no current
outbreak, on which false-positive rates are measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from accord.analytics.series import CountSeries

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scenario:
    """One baseline model of Noufaily et al. (2013), Table 1."""

    id: int  # 1..42
    theta: float  # log-scale level
    beta: float  # linear trend per week (0 without trend)
    gamma1: float  # cosine amplitude, shared by all harmonics
    gamma2: float  # sine amplitude, shared by all harmonics
    m: int  # number of harmonics: 0 (none), 1 (annual), 2 (annual + biannual)
    phi: float  # dispersion: variance = phi * mean (1 = Poisson)

    def mean(self, t: npt.ArrayLike) -> FloatArray:
        """Baseline mean at weeks ``t`` (1-based, as in the paper)."""
        tt = np.asarray(t, dtype=np.float64)
        eta = self.theta + self.beta * tt
        for j in range(1, self.m + 1):
            eta = (
                eta
                + self.gamma1 * np.cos(2 * np.pi * j * tt / 52)
                + self.gamma2 * np.sin(2 * np.pi * j * tt / 52)
            )
        return np.exp(eta)


# (theta, beta when trended, gamma1, gamma2, phi): the seven parameter sets of Table 1
_PARAMETER_SETS: tuple[tuple[float, float, float, float, float], ...] = (
    (0.1, 0.0025, 0.6, 0.6, 1.5),
    (-2.0, 0.005, 0.1, 0.3, 2.0),
    (1.5, 0.003, 0.2, -0.4, 1.0),
    (0.5, 0.002, 0.5, 0.5, 5.0),
    (2.5, 0.001, 1.0, 0.1, 3.0),
    (3.75, 0.001, 0.1, -0.1, 1.1),
    (5.0, 0.0001, 0.05, 0.01, 1.2),
)


def _scenarios() -> tuple[Scenario, ...]:
    out: list[Scenario] = []
    for theta, beta, g1, g2, phi in _PARAMETER_SETS:
        for trend in (False, True):
            for m in (0, 1, 2):
                out.append(
                    Scenario(
                        id=len(out) + 1,
                        theta=theta,
                        beta=beta if trend else 0.0,
                        gamma1=g1 if m else 0.0,
                        gamma2=g2 if m else 0.0,
                        m=m,
                        phi=phi,
                    )
                )
    return tuple(out)


SCENARIOS: tuple[Scenario, ...] = _scenarios()


@dataclass(frozen=True)
class Design:
    """Lengths and outbreak rules; defaults are the paper's (weeks are 1-based, inclusive)."""

    n_weeks: int = 624  # 12 years
    past_weeks: tuple[int, int] = (313, 575)  # where past outbreaks may start
    current_weeks: tuple[int, int] = (576, 624)  # monitored weeks; the current outbreak starts here
    n_past: int = 4
    past_k: tuple[float, ...] = (2, 3, 5, 10)
    current_k: tuple[float, ...] = tuple(range(1, 11))
    delay_sdlog: float = 0.5  # LogNormal(0, sdlog) delay of each case after the outbreak start

    def __post_init__(self) -> None:
        lo, hi = self.current_weeks
        if not (1 <= self.past_weeks[0] <= self.past_weeks[1] <= self.n_weeks):
            raise ValueError("past_weeks must lie inside 1..n_weeks")
        if not (1 <= lo <= hi <= self.n_weeks):
            raise ValueError("current_weeks must lie inside 1..n_weeks")


@dataclass(frozen=True)
class Simulation:
    """Outbreak series and their outbreak-free twins, row-aligned.

    ``series.state`` / ``twin.state`` flag the weeks with outbreak cases (past or current);
    ``monitored`` holds the 0-based columns of the current weeks.
    """

    series: CountSeries
    twin: CountSeries
    scenario: IntArray  # scenario id per row
    mean: FloatArray  # baseline mean, (n_series, n_weeks)
    baseline: FloatArray  # baseline counts before any outbreak
    current_cases: FloatArray  # cases of the current outbreak, (n_series, n_weeks)
    current_start: IntArray  # 0-based column where the current outbreak starts
    current_k: FloatArray
    current_size: IntArray  # cases drawn (including any that fall after the last week)
    monitored: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def simulate(
    scenarios: tuple[Scenario, ...] | list[Scenario] = SCENARIOS,
    n_reps: int = 100,
    *,
    rng: np.random.Generator | int | None = None,
    design: Design | None = None,
) -> Simulation:
    """Simulate ``n_reps`` series per scenario (rows grouped by scenario, in order)."""
    design = design or Design()
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    n_t = design.n_weeks
    weeks = np.arange(1, n_t + 1)
    scen_ids = np.repeat([s.id for s in scenarios], n_reps).astype(np.int64)
    mean = np.repeat(np.stack([s.mean(weeks) for s in scenarios]), n_reps, axis=0)
    phi = np.repeat([s.phi for s in scenarios], n_reps).astype(np.float64)[:, None]
    n_series = mean.shape[0]

    baseline = _negbin(gen, mean, phi)
    sd = np.sqrt(phi * mean)  # baseline SD per week: sqrt(phi mu)

    # past outbreaks: n_past per series, starts uniform in past_weeks
    p_lo, p_hi = design.past_weeks
    past_start = np.asarray(
        gen.integers(p_lo - 1, p_hi, size=(n_series, design.n_past)), dtype=np.int64
    )
    past_k = gen.choice(np.asarray(design.past_k, dtype=float), size=(n_series, design.n_past))
    rows = np.repeat(np.arange(n_series), design.n_past)
    past_size = gen.poisson(past_k.ravel() * sd[rows, past_start.ravel()])
    past = _spread(gen, rows, past_start.ravel(), past_size, n_series, n_t, design.delay_sdlog)

    # the current outbreak: one per series, starts uniform in current_weeks
    c_lo, c_hi = design.current_weeks
    cur_start = np.asarray(gen.integers(c_lo - 1, c_hi, size=n_series), dtype=np.int64)
    cur_k = gen.choice(np.asarray(design.current_k, dtype=float), size=n_series)
    cur_size = gen.poisson(cur_k * sd[np.arange(n_series), cur_start])
    current = _spread(
        gen, np.arange(n_series), cur_start, cur_size, n_series, n_t, design.delay_sdlog
    )

    twin_obs = baseline + past
    obs = twin_obs + current
    common = {
        "freq": 52,
        "names": tuple(f"s{sid}_r{i % n_reps + 1}" for i, sid in enumerate(scen_ids)),
    }
    return Simulation(
        series=CountSeries(obs, state=(past + current) > 0, **common),  # type: ignore[arg-type]
        twin=CountSeries(twin_obs, state=past > 0, **common),  # type: ignore[arg-type]
        scenario=scen_ids,
        mean=mean,
        baseline=baseline,
        current_cases=current,
        current_start=cur_start.astype(np.int64),
        current_k=cur_k,
        current_size=cur_size.astype(np.int64),
        monitored=np.arange(c_lo - 1, c_hi, dtype=np.int64),
    )


def _negbin(gen: np.random.Generator, mean: FloatArray, phi: FloatArray) -> FloatArray:
    """Counts with the given mean and variance phi * mean (Poisson where phi == 1)."""
    phi_full = np.broadcast_to(phi, mean.shape)
    out = np.empty(mean.shape)
    pois = phi_full <= 1.0
    out[pois] = gen.poisson(mean[pois])
    nb = ~pois
    if nb.any():
        # NB(size r, prob p): mean r(1-p)/p, variance mean/p -> p = 1/phi, r = mean/(phi-1)
        ph = phi_full[nb]
        out[nb] = gen.negative_binomial(mean[nb] / (ph - 1.0), 1.0 / ph)
    return out


def _spread(
    gen: np.random.Generator,
    rows: IntArray,
    starts: IntArray,
    sizes: IntArray,
    n_series: int,
    n_t: int,
    sdlog: float,
) -> FloatArray:
    """Place each outbreak's cases at start + floor(LogNormal(0, sdlog)) weeks."""
    total = int(sizes.sum())
    case_row = np.repeat(rows, sizes)
    case_week = np.repeat(starts, sizes) + np.floor(gen.lognormal(0.0, sdlog, size=total)).astype(
        np.int64
    )
    keep = case_week < n_t
    flat = case_row[keep] * n_t + case_week[keep]
    return np.bincount(flat, minlength=n_series * n_t).reshape(n_series, n_t).astype(np.float64)
