"""Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008), as the
domain guide ("Words customers use") gives it. Pure: counts in, scores out.

For word w with counts y_i, y_j in the two groups (totals n_i, n_j) and prior counts a_w (from all
comments, a_0 their total):

    delta = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
    var  ~= 1 / (y_i + a_w) + 1 / (y_j + a_w)
    z     = delta / sqrt(var)

A word few people used has a large variance and a small z: the prior damps small samples.
"""

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class WordScore:
    word: Hashable
    group_i: int
    group_j: int
    prior: int
    delta: float
    variance: float
    z: float


def log_odds(
    *,
    group_i: Mapping[Hashable, int],
    group_j: Mapping[Hashable, int],
    prior: Mapping[Hashable, int],
    min_count: int = 1,
) -> list[WordScore]:
    """Every word of `prior` used at least `min_count` times in the two groups together, by z (group i's
    words first). Totals are over all words, also those left out by `min_count`."""
    n_i, n_j, a_0 = sum(group_i.values()), sum(group_j.values()), sum(prior.values())
    scores = []
    for word, a_w in prior.items():
        y_i, y_j = group_i.get(word, 0), group_j.get(word, 0)
        if a_w <= 0 or y_i + y_j < min_count:
            continue
        delta = math.log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - math.log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
        variance = 1 / (y_i + a_w) + 1 / (y_j + a_w)
        scores.append(WordScore(word, y_i, y_j, a_w, delta, variance, delta / math.sqrt(variance)))
    scores.sort(key=lambda score: (-score.z, str(score.word)))
    return scores
