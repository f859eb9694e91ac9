"""Suggested themes (accord.analytics.topics): purity on a synthetic bilingual corpus.

    .venv/bin/python bench/topic_purity.py [--seeds 5] [--themes 5] [--per-theme 60]

Corpus (accord.analytics.topics_synth.planted_corpus): --themes planted themes (parking,
noise, green space, bus route, rent) x --per-theme comments, about half in Chinese and half
in English, each a sentence template filled with 3 of its theme's 8 words and 2-4 noise
words shared by all themes. Purity: share of comments whose group's majority theme is their
own (comments left ungrouped count as wrong). Target: purity >= 0.8. Time: one call of
suggest_themes (k chosen by silhouette over 2..8 per language), wall clock.
"""

from __future__ import annotations

import argparse
import time

from accord.analytics.topics import purity, suggest_themes, tokens
from accord.analytics.topics_synth import planted_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--themes", type=int, default=5)
    ap.add_argument("--per-theme", type=int, default=60)
    args = ap.parse_args()
    tokens("预热")  # load jieba's dictionary outside the timing
    print(f"{args.themes} themes x {args.per_theme} comments, zh + en")
    print(f"{'seed':>4} {'groups zh/en':>12} {'purity':>7} {'time s':>7}")
    ps, ts = [], []
    for seed in range(args.seeds):
        texts, truth, _ = planted_corpus(args.themes, args.per_theme, seed=seed)
        t0 = time.perf_counter()
        r = suggest_themes(texts, seed=seed)
        dt = time.perf_counter() - t0
        p = purity(r.labels, truth)
        ps.append(p)
        ts.append(dt)
        ks = f"{r.k.get('zh', 0)}/{r.k.get('en', 0)}"
        print(f"{seed:>4} {ks:>12} {p:>7.3f} {dt:>7.2f}")
    print(f"purity min {min(ps):.3f} mean {sum(ps) / len(ps):.3f} (target >= 0.8)")
    print(f"time max {max(ts):.2f} s mean {sum(ts) / len(ts):.2f} s")


if __name__ == "__main__":
    main()
