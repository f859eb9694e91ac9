"""The opinion map: Pol.is's method on a participants × statements vote matrix.

Votes are +1 agree, -1 disagree, 0 pass, NaN missing. Steps (Small et al., "Polis: Scaling
deliberation by mapping high dimensional opinion spaces", 2021):

1. keep participants with at least ``min_votes`` votes; fill their missing votes with the
   statement's (column) mean;
2. project onto 2 principal components; scale each participant's projection by
   sqrt(statements / own votes), so that people who voted little are not pulled to the centre;
3. k-means into ``base_clusters`` base clusters; then k-means on the base-cluster centres
   (weighted by their sizes) into 2–5 groups, the count chosen by (weighted) silhouette;
4. the group count changes only when the new best count has been the best for
   ``stable_runs`` recomputes in a row (``history`` holds the earlier runs' best counts,
   ``current_groups`` the count in use);
5. per statement and group: agree / disagree / pass counts; representative statements (a
   group agrees, or disagrees, clearly more than the rest: Laplace-smoothed ratio and a
   two-proportion z-test); consensus statements (every group agrees, or every group
   disagrees, with Laplace-smoothed rate at least ``consensus_threshold``).

Seeded and deterministic. Pure numpy / scikit-learn, no Django. The result holds each
participant's group and position for the caller's own computation: a platform must publish
only aggregates (``OpinionResult.public_summary``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

AGREE, DISAGREE, PASS = 1, -1, 0


@dataclass(frozen=True)
class OpinionControl:
    min_votes: int = 7
    base_clusters: int = 100
    min_groups: int = 2
    max_groups: int = 5
    stable_runs: int = 3
    seed: int = 0
    # Representative: smoothed rate in the group at least this, z-score at least `z_min`.
    repr_min_rate: float = 0.5
    z_min: float = 1.2816  # one-sided 90 %
    repr_per_group: int = 5
    consensus_threshold: float = 0.6

    def __post_init__(self) -> None:
        if self.min_votes < 1:
            raise ValueError("min_votes must be at least 1")
        if not 2 <= self.min_groups <= self.max_groups:
            raise ValueError("need 2 <= min_groups <= max_groups")
        if self.base_clusters < self.max_groups:
            raise ValueError("base_clusters must be at least max_groups")
        if self.stable_runs < 1:
            raise ValueError("stable_runs must be at least 1")


@dataclass(frozen=True)
class Representative:
    group: int
    statement: int  # column index
    direction: str  # "agree" | "disagree"
    ratio: float
    z: float


@dataclass(frozen=True)
class OpinionResult:
    participants: tuple
    statements: tuple
    clustered: np.ndarray  # bool per participant
    group: np.ndarray  # int per participant, -1 when not clustered
    projection: np.ndarray  # participants × 2 (NaN when not clustered)
    n_groups: int  # the count in use
    candidate_groups: int  # this run's best count by silhouette (store it in the history)
    silhouettes: dict[int, float]
    counts: np.ndarray  # groups × statements × 3 (agree, disagree, pass)
    totals: np.ndarray  # statements × 3 over every participant
    representative: tuple[Representative, ...]
    consensus: tuple[str, ...]  # per statement: "agree", "disagree" or ""
    group_sizes: tuple[int, ...]
    group_centres: np.ndarray  # groups × 2
    explained_variance: tuple[float, ...] = field(default=())

    def public_summary(self, min_group: int = 5) -> dict:
        """Aggregates only: group sizes and centres, per-statement rates per group,
        representative and consensus statements. Groups smaller than `min_group` are left
        out. Never a participant's group or position."""
        groups = []
        for g in range(self.n_groups):
            size = self.group_sizes[g]
            if size < min_group:
                continue
            rows = []
            for s in range(len(self.statements)):
                a, d, p = (int(x) for x in self.counts[g, s])
                rows.append({"statement": self.statements[s], "agree": a, "disagree": d,
                             "pass": p, "n": a + d + p})  # fmt: skip
            groups.append(
                {
                    "group": g,
                    "size": int(size),
                    "centre": [round(float(x), 4) for x in self.group_centres[g]],
                    "statements": rows,
                    "representative": [
                        {"statement": self.statements[r.statement], "direction": r.direction}
                        for r in self.representative
                        if r.group == g
                    ],
                }
            )
        return {
            "n_groups": self.n_groups,
            "participants": int(self.clustered.sum()),
            "groups": groups,
            "hidden_groups": sum(1 for s in self.group_sizes if s < min_group),
            "consensus": [
                {"statement": self.statements[s], "direction": c}
                for s, c in enumerate(self.consensus)
                if c
            ],
            "totals": [
                {
                    "statement": self.statements[s],
                    "agree": int(t[0]),
                    "disagree": int(t[1]),
                    "pass": int(t[2]),
                }
                for s, t in enumerate(self.totals)
            ],  # fmt: skip
        }


def matrix_from_votes(
    rows: Iterable[tuple[object, object, int]],
) -> tuple[np.ndarray, tuple, tuple]:
    """(participant, statement, vote) triples to a matrix (NaN = no vote), with the
    participant and statement keys in first-seen order. A later vote replaces an earlier."""
    p_index: dict = {}
    s_index: dict = {}
    triples = []
    for p, s, v in rows:
        if v not in (AGREE, DISAGREE, PASS):
            raise ValueError(f"vote must be 1, -1 or 0, got {v!r}")
        i = p_index.setdefault(p, len(p_index))
        j = s_index.setdefault(s, len(s_index))
        triples.append((i, j, v))
    m = np.full((len(p_index), len(s_index)), np.nan)
    if triples:
        arr = np.asarray(triples, dtype=np.int64)
        m[arr[:, 0], arr[:, 1]] = arr[:, 2]
    return m, tuple(p_index), tuple(s_index)


def _weighted_silhouette(points: np.ndarray, labels: np.ndarray, w: np.ndarray) -> float:
    """Silhouette of base-cluster centres, each counting as many participants as it holds."""
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    ks = np.unique(labels)
    if len(ks) < 2:
        return -1.0
    # mean distance from each point to each cluster, weighted by sizes
    mean_to = np.empty((len(points), len(ks)))
    for j, k in enumerate(ks):
        mask = labels == k
        wk = w * mask
        tot = wk.sum()
        mean_to[:, j] = (d * wk[None, :]).sum(1) / max(tot, 1e-12)
    s = np.zeros(len(points))
    for i in range(len(points)):
        j_own = int(np.searchsorted(ks, labels[i]))
        mask = labels == labels[i]
        tot_own = w[mask].sum() - w[i]
        if tot_own <= 0:
            s[i] = 0.0  # a cluster of one base cluster: silhouette 0 (as sklearn)
            continue
        a = (d[i] * (w * mask)).sum() / tot_own  # the point itself is at distance 0
        b = np.min(np.delete(mean_to[i], j_own))
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float((s * w).sum() / w.sum())


def _kmeans(points: np.ndarray, k: int, seed: int, weight: np.ndarray | None = None):
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=4, random_state=seed)
    km.fit(points, sample_weight=weight)
    return km.labels_, km.cluster_centers_


def choose_groups(candidate: int, history: Sequence[int], current: int | None, runs: int) -> int:
    """The group count to use: the current one unless `candidate` has been the best count
    for `runs` recomputes in a row (this one included)."""
    if current is None:
        return candidate
    if candidate == current:
        return current
    recent = list(history)[-(runs - 1) :] if runs > 1 else []
    if len(recent) == runs - 1 and all(h == candidate for h in recent):
        return candidate
    return current


def opinion_map(
    votes: np.ndarray,
    control: OpinionControl | None = None,
    *,
    participants: Sequence | None = None,
    statements: Sequence | None = None,
    history: Sequence[int] = (),
    current_groups: int | None = None,
) -> OpinionResult:
    """Compute the map. `votes` is participants × statements (NaN = no vote). Runs on one
    BLAS/OpenMP thread: the matrices are small and thread start-up costs more than it saves
    (on a busy 2-core machine, 35 times more)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _opinion_map(
            votes, control or OpinionControl(), participants, statements, history, current_groups
        )


def _svd_top2(x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The top two right singular vectors and all singular values' squared sum share: full
    SVD for small matrices, seeded randomized SVD (Halko et al.) for large ones."""
    if x.size <= 500_000:
        _, sv, vt = np.linalg.svd(x, full_matrices=False)
        return sv, vt[:2]
    from sklearn.utils.extmath import randomized_svd

    _, sv, vt = randomized_svd(x, n_components=2, n_iter=7, random_state=seed)
    return sv, vt


def _opinion_map(votes, ctl, participants, statements, history, current_groups) -> OpinionResult:
    m = np.asarray(votes, dtype=float)
    if m.ndim != 2:
        raise ValueError("votes must be a 2-D participants × statements matrix")
    n_p, n_s = m.shape
    observed = ~np.isnan(m)
    if np.any(~np.isin(m[observed], (-1.0, 0.0, 1.0))):
        raise ValueError("votes must be 1, -1, 0 or missing")
    participants = tuple(participants) if participants is not None else tuple(range(n_p))
    statements = tuple(statements) if statements is not None else tuple(range(n_s))
    if len(participants) != n_p or len(statements) != n_s:
        raise ValueError("participants / statements do not match the matrix")
    n_votes = observed.sum(1)
    clustered = n_votes >= ctl.min_votes
    group = np.full(n_p, -1, dtype=int)
    projection = np.full((n_p, 2), np.nan)
    silhouettes: dict[int, float] = {}
    explained: tuple[float, ...] = ()
    idx = np.flatnonzero(clustered)
    n_groups = candidate = 0
    centres = np.zeros((0, 2))
    if len(idx) >= 2 and n_s >= 2:
        x = m[idx]
        obs = observed[idx]
        col_n = obs.sum(0)
        col_mean = np.where(col_n > 0, np.nansum(x, 0) / np.maximum(col_n, 1), 0.0)
        x = np.where(obs, x, col_mean[None, :])
        x = x - x.mean(0)
        # 2 principal components by SVD (deterministic; signs fixed so that each component's
        # largest loading is positive)
        sv, comps = _svd_top2(x, ctl.seed)
        signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(1)])
        signs[signs == 0] = 1
        comps = comps * signs[:, None]
        total_var = float((x**2).sum()) or 1.0
        explained = tuple(float(s**2 / total_var) for s in sv[:2])
        proj = x @ comps.T
        if proj.shape[1] < 2:
            proj = np.pad(proj, ((0, 0), (0, 2 - proj.shape[1])))
        proj = proj * np.sqrt(n_s / n_votes[idx])[:, None]
        projection[idx] = proj
        # base clusters
        uniq = np.unique(np.round(proj, 9), axis=0)
        n_base = min(ctl.base_clusters, len(uniq))
        if n_base >= ctl.min_groups + 1:
            base_labels, base_centres = _kmeans(proj, n_base, ctl.seed)
            base_sizes = np.bincount(base_labels, minlength=n_base).astype(float)
            keep = base_sizes > 0
            remap = -np.ones(n_base, dtype=int)
            remap[keep] = np.arange(keep.sum())
            base_labels = remap[base_labels]
            base_centres, base_sizes = base_centres[keep], base_sizes[keep]
            fits = {}
            for k in range(ctl.min_groups, min(ctl.max_groups, len(base_centres) - 1) + 1):
                labels, _c = _kmeans(base_centres, k, ctl.seed, base_sizes)
                fits[k] = labels
                silhouettes[k] = _weighted_silhouette(base_centres, labels, base_sizes)
            if fits:
                candidate = max(silhouettes, key=lambda k: (round(silhouettes[k], 12), -k))
                n_groups = choose_groups(candidate, history, current_groups, ctl.stable_runs)
                if n_groups not in fits:
                    n_groups = candidate
                g_of_base = fits[n_groups]
                g = g_of_base[base_labels]
                # number the groups by size (largest first), ties by centre, for stable output
                sizes = np.bincount(g, minlength=n_groups)
                cent = np.array([proj[g == k].mean(0) for k in range(n_groups)])
                order = sorted(range(n_groups), key=lambda k: (-sizes[k], cent[k][0], cent[k][1]))
                rank = np.empty(n_groups, dtype=int)
                rank[order] = np.arange(n_groups)
                group[idx] = rank[g]
                centres = cent[order]
        if n_groups == 0:  # too few distinct positions to split: one group
            n_groups = candidate = 1
            group[idx] = 0
            centres = proj.mean(0, keepdims=True)
    counts = np.zeros((n_groups, n_s, 3), dtype=int)
    onehot = np.zeros((n_groups, n_p))
    if n_groups:
        onehot[group[idx], idx] = 1.0
    for j, v in enumerate((AGREE, DISAGREE, PASS)):
        hit = (m == v).astype(float)
        if n_groups:
            counts[:, :, j] = np.rint(onehot @ hit).astype(int)
    totals = np.stack([(m == v).sum(0) for v in (AGREE, DISAGREE, PASS)], axis=1)
    rep, consensus = _statement_stats(counts, ctl)
    return OpinionResult(
        participants=participants,
        statements=statements,
        clustered=clustered,
        group=group,
        projection=projection,
        n_groups=n_groups,
        candidate_groups=candidate,
        silhouettes=silhouettes,
        counts=counts,
        totals=totals,
        representative=rep,
        consensus=consensus,
        group_sizes=tuple(int(x) for x in np.bincount(group[idx], minlength=n_groups))
        if n_groups
        else (),
        group_centres=centres,
        explained_variance=explained,
    )


def _z_two_props(p1: np.ndarray, n1: np.ndarray, p2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    pooled = (p1 * n1 + p2 * n2) / np.maximum(n1 + n2, 1)
    se = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(n1, 1) + 1 / np.maximum(n2, 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    return z


def _statement_stats(
    counts: np.ndarray, ctl: OpinionControl
) -> tuple[tuple[Representative, ...], tuple[str, ...]]:
    n_g, n_s, _ = counts.shape
    if n_g == 0:
        return (), tuple("" for _ in range(n_s))
    a, d = counts[:, :, 0].astype(float), counts[:, :, 1].astype(float)
    n = counts.sum(2).astype(float)
    pa, pd = (a + 1) / (n + 2), (d + 1) / (n + 2)  # Laplace-smoothed
    consensus = []
    for s in range(n_s):
        if n_g >= 2 and np.all(n[:, s] > 0) and np.all(pa[:, s] >= ctl.consensus_threshold):
            consensus.append("agree")
        elif n_g >= 2 and np.all(n[:, s] > 0) and np.all(pd[:, s] >= ctl.consensus_threshold):
            consensus.append("disagree")
        else:
            consensus.append("")
    reps: list[Representative] = []
    if n_g >= 2:
        for g in range(n_g):
            rest = [k for k in range(n_g) if k != g]
            ra_n = n[rest].sum(0)
            cands = []
            for direction, cnt, p in (("agree", a, pa), ("disagree", d, pd)):
                p_rest = (cnt[rest].sum(0) + 1) / (ra_n + 2)
                ratio = p[g] / p_rest
                z = _z_two_props(p[g], n[g], p_rest, ra_n)
                for s in range(n_s):
                    if p[g, s] >= ctl.repr_min_rate and z[s] >= ctl.z_min and ratio[s] > 1:
                        cands.append(
                            (float(ratio[s] * p[g, s]), s, direction, float(ratio[s]), float(z[s]))
                        )
            cands.sort(key=lambda t: (-t[0], t[1], t[2]))
            seen: set[int] = set()
            for _score, s, direction, rep_ratio, rep_z in cands:
                if s in seen:
                    continue
                seen.add(s)
                reps.append(Representative(g, s, direction, round(rep_ratio, 6), round(rep_z, 6)))
                if len(seen) >= ctl.repr_per_group:
                    break
    return tuple(reps), tuple(consensus)


def adjusted_rand(a: Sequence[int], b: Sequence[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def planted_votes(
    camps: int = 3,
    per_camp: int = 300,
    statements: int = 40,
    missing: float = 0.6,
    seed: int = 0,
    lean: float = 0.8,
) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic votes of `camps` planted camps: each camp leans agree or disagree on each
    statement (with probability `lean` for its side, the rest split between the other side
    and pass); `missing` of the votes are left out at random. Returns (votes, camp)."""
    rng = np.random.default_rng(seed)
    side = rng.choice([1, -1], size=(camps, statements))
    side[:, : min(3, statements)] = 1  # a few statements everyone agrees with (consensus)
    camp = np.repeat(np.arange(camps), per_camp)
    other = (1 - lean) / 2
    u = rng.random((len(camp), statements))
    s = side[camp]
    votes = np.where(u < lean, s, np.where(u < lean + other, -s, 0)).astype(float)
    votes[rng.random(votes.shape) < missing] = np.nan
    return votes, camp
