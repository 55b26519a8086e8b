# SPDX-License-Identifier: MIT
"""What the paired summaries of bench/in-guest.sh and bench/waits.sh share."""
import math


def sign_ci(xs):
    """Distribution-free 95% interval for the median of xs: the k-th
    smallest and the k-th largest, k the largest with
    P(Binomial(n, 1/2) < k) <= 0.025; (None, None) when n is too small."""
    xs, n = sorted(xs), len(xs)
    k, cum = 0, 0.0
    while cum + math.comb(n, k) / 2 ** n <= 0.025:
        cum += math.comb(n, k) / 2 ** n
        k += 1
    return (xs[k - 1], xs[n - k]) if k >= 1 else (None, None)
