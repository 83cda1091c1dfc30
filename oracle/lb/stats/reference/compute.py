#!/usr/bin/python3
"""Reference values for oracle/lb/stats (issue 15), computed independently of the TypeScript code.

Run with Debian's python3 (apt-get install python3-scipy python3-mpmath), from the repository root:
    npm run lbstats:reference
which writes oracle/lb/stats/reference/reference.json and formats it with Biome. The tests read
reference.json; CI does not need SciPy. Every value says how it was obtained:
- mpmath at 40 digits for the incomplete gamma function and binomial tails;
- SciPy's chi2, binom and power_divergence where they are accurate (checked against mpmath here);
- exact rational arithmetic (fractions) for small enumerations, ties and Holm's comparisons;
- an exact computation of the Pearson null at planner sizes: N Poisson(K/N) counts conditioned on their
  sum, carrying the integer S2 = sum of squared counts (no rounding), validated here against brute-force
  enumeration at small sizes.
"""

import itertools
import json
import math
import sys
from fractions import Fraction

import mpmath as mp
import numpy as np
import scipy
import scipy.special
import scipy.stats

mp.mp.dps = 40


def incomplete_gamma():
    """Regularized P(a, x) and Q(a, x); the lower one directly where it is tiny."""
    rows = []
    for a in [0.5, 1, 2.5, 10, 19.5, 20, 50, 150, 1e3, 1e4, 4e6, 1e7, 1e9]:
        for r in [0.5, 0.9, 0.99, 1.0, 1.001, 1.01, 1.1, 2.0]:
            x = a * r if a < 1e6 else a + (r - 1) * 10 * math.sqrt(a)
            with mp.workdps(200):  # 1 - Q keeps P's digits down to 1e-150
                q = mp.gammainc(a, x, mp.inf, regularized=True)
                p = 1 - q
            rows.append({"a": a, "x": x, "P": float(p), "Q": float(q)})
    # The case: Q(1e7, 1e7).
    rows.append({"a": 1e7, "x": 1e7, "P": float(1 - mp.gammainc(1e7, 1e7, mp.inf, regularized=True)),
                 "Q": float(mp.gammainc(1e7, 1e7, mp.inf, regularized=True))})
    return rows


def chi_square():
    sf = []
    for df in [1, 2, 9, 99, 999, 2e5, 2e7]:
        for z in [-2, 0, 2, 5, 8]:
            x = df + z * math.sqrt(2 * df)
            if x <= 0:
                continue
            exact = mp.gammainc(df / 2, x / 2, mp.inf, regularized=True)
            sf.append({"df": df, "x": x, "sf": float(exact), "scipy": float(scipy.stats.chi2.sf(x, df))})
    quantiles = []
    for df in [1, 2, 4, 9, 99]:
        for alpha in [0.05, 1e-3, 1e-6, 1e-9]:
            quantiles.append({"df": df, "alpha": alpha, "x": float(scipy.stats.chi2.isf(alpha, df))})
    return {"survival": sf, "upperQuantile": quantiles}


def binomial_sum(start, direction, n, p):
    """Sum of Binomial(n, p) probabilities from `start` outward (direction ±1), at 60 digits, until the
    terms no longer matter."""
    with mp.workdps(60):
        p = mp.mpf(p)
        term = mp.exp(mp.loggamma(n + 1) - mp.loggamma(start + 1) - mp.loggamma(n - start + 1)
                      + start * mp.log(p) + (n - start) * mp.log(1 - p))
        total = term
        i = start
        while (i < n if direction > 0 else i > 0):
            if direction > 0:
                term *= mp.mpf(n - i) / (i + 1) * p / (1 - p)
            else:
                term *= mp.mpf(i) / (n - i + 1) * (1 - p) / p
            i += direction
            total += term
            if term < total * mp.mpf(10) ** -45:
                break
        return total


def binomial_tails():
    """P(X <= x) and P(X >= x), each summed from its own near end (the far tail) or as 1 - the other."""
    rows = []
    for n, p in [(10, 0.5), (200, 0.07), (1000, 0.001), (100000, 0.3), (1000000, 0.003)]:
        mean = n * p
        sd = math.sqrt(n * p * (1 - p))
        for z in [-8, -3, -1, 0, 1, 3, 8]:
            x = int(round(mean + z * sd))
            if x < 0 or x > n:
                continue
            with mp.workdps(60):
                if x < mean:
                    cdf = binomial_sum(x, -1, n, p)
                    upper = 1 - cdf + binomial_sum(x, -1, n, p) - binomial_sum(x - 1, -1, n, p) if x > 0 else mp.mpf(1)
                else:
                    upper = binomial_sum(x, 1, n, p)
                    cdf = 1 - upper + (upper - binomial_sum(x + 1, 1, n, p) if x < n else upper)
            rows.append({"n": n, "p": p, "x": x, "cdf": float(cdf), "upper": float(upper),
                         "scipyCdf": float(scipy.stats.binom.cdf(x, n, p)),
                         "scipyUpper": float(scipy.stats.binom.sf(x - 1, n, p))})
    return rows


def binomial_upper_limit(n, p, level):
    """Largest c with P(X >= c) > level, in exact rational arithmetic, p and level read as the decimals
    they are written as (so P(X >= 2) = 0.001² = 1e-6 is a tie for n = 2, level 1e-6)."""
    p = Fraction(repr(p))
    level = Fraction(repr(level))
    pmf = [Fraction(math.comb(n, i)) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    tail = Fraction(0)
    for c in range(n, -1, -1):
        tail += pmf[c]
        if tail > level:
            return c
    return 0


def binomial_limits():
    cases = [(100, 0.5, 0.9), (1, 1e-3, 1e-3), (2, 1e-3, 1e-6), (10, 0.5, 11 / 1024), (30, 0.2, 0.05),
             (10000, 0.05, 1e-3), (10000, 1e-3, 1e-3)]
    rows = []
    for n, p, level in cases:
        if n <= 100:
            limit = binomial_upper_limit(n, p, level)
            how = "exact rational"
        else:
            # Largest c with P(X >= c) > level: SciPy's quantile as the start, checked with mpmath sums.
            c = int(scipy.stats.binom.isf(level, n, p))
            while binomial_sum(c + 1, 1, n, p) > level:
                c += 1
            while binomial_sum(c, 1, n, p) <= level:
                c -= 1
            limit = c
            how = "mpmath"
        rows.append({"n": n, "p": p, "level": level, "limit": limit, "how": how})
    return rows


def williams_g():
    counts = [10, 20, 30]
    g, _ = scipy.stats.power_divergence(counts, lambda_="log-likelihood")
    k, n = len(counts), sum(counts)
    q = 1 + (k * k - 1) / (6 * n * (k - 1))  # Williams (1976); Sokal & Rohlf: 6 n nu, nu = k - 1
    return {"counts": counts, "gUncorrected": float(g), "q": q, "gWilliams": float(g) / q}


def tie_floor(x):
    return x - 1e-9 * max(1.0, abs(x))


def multinomial_vectors(k, n):
    for cut in itertools.combinations(range(k + n - 1), n - 1):
        prev = -1
        out = []
        for c in cut:
            out.append(c - prev - 1)
            prev = c
        out.append(k + n - 1 - prev - 1)
        yield out


def pearson(counts, shares):
    k = sum(counts)
    return sum((c - k * p) ** 2 / (k * p) for c, p in zip(counts, shares))


def g_williams(counts, shares):
    k = sum(counts)
    g = 2 * sum(c * math.log(c / (k * p)) for c, p in zip(counts, shares) if c > 0)
    n = len(counts)
    return g / (1 + (n * n - 1) / (6 * k * (n - 1)))


def exact_tails():
    """Exact multinomial p-values by brute-force enumeration with rational probabilities."""
    cases = [
        ([10, 20, 30], [1 / 3, 1 / 3, 1 / 3], "pearson"),
        ([10, 20, 30], [1 / 3, 1 / 3, 1 / 3], "g"),
        ([2, 8], [0.5, 0.5], "pearson"),
        ([14, 6, 12, 8], [0.25] * 4, "pearson"),
        ([14, 6, 12, 8], [0.25] * 4, "g"),
        ([3, 12, 5], [0.2, 0.5, 0.3], "pearson"),
        ([30, 12, 18], [1 / 3, 1 / 3, 1 / 3], "pearson"),
        ([1, 9, 6, 4, 10], [0.2] * 5, "pearson"),
    ]
    rows = []
    for counts, shares, stat in cases:
        k, n = sum(counts), len(counts)
        f = pearson if stat == "pearson" else g_williams
        observed = f(counts, shares)
        threshold = tie_floor(observed)
        rshares = [Fraction(p).limit_denominator(1000) for p in shares]
        tail = Fraction(0)
        for v in multinomial_vectors(k, n):
            if f(v, shares) >= threshold:
                prob = Fraction(math.factorial(k))
                for c, p in zip(v, rshares):
                    prob *= p**c / math.factorial(c)
                tail += prob
        rows.append({"counts": counts, "shares": shares, "statistic": stat, "observed": observed,
                     "pValue": float(tail), "chiSquareTail": float(scipy.stats.chi2.sf(observed, n - 1))})
    return rows


def partition_counts():
    """Partitions of K into at most N parts, exactly (Python integers), by p(k, m) = p(k, m-1) + p(k-m, m)."""
    rows = []
    for k, n in [(12, 3), (30, 4), (199, 3), (240, 4), (420, 5), (75, 15), (100, 20), (300, 200), (50, 1000),
                 (1000, 3), (400000, 2)]:
        p = [1] * (k + 1)
        for m in range(2, min(n, k) + 1):
            for j in range(m, k + 1):
                p[j] += p[j - m]
        rows.append({"samples": k, "endpoints": n, "partitions": float(p[k]) if n > 1 or k == 0 else 1.0})
    return rows


def min_square_sum(m, r):
    """Smallest sum of squares of m non-negative integers adding to r (the most even split)."""
    if m == 0:
        return 0 if r == 0 else math.inf
    q, rem = divmod(r, m)
    return q * q * (m - rem) + (q + 1) * (q + 1) * rem


def pearson_s2_below(k, n, s_max):
    """P(S2 = s | T = K) for every s < s_max, S2 = sum of squared counts, Multinomial(K, 1/N).

    Independent Poisson(K/N) counts conditioned on their sum; states (t, S2) with S2 kept exactly,
    pruned only where S2 + (least sum of squares the other categories can add) >= s_max."""
    mean = mp.mpf(k) / n
    cmax = int(math.isqrt(s_max)) + 1
    # Poisson weights at 40 digits, carried in extended precision (x87 long double, 64-bit mantissa).
    w = np.array([mp.exp(-mean + c * mp.log(mean) - mp.loggamma(c + 1)) for c in range(min(k, cmax) + 1)],
                 dtype=np.longdouble)
    layer = {0: (0, np.array([1.0], dtype=np.longdouble))}  # t -> (lowest S2, probabilities from there)
    for j in range(1, n + 1):
        rest = n - j
        nxt = {}
        for t, (lo, arr) in layer.items():
            for c in range(0, min(k - t, cmax) + 1):
                t2 = t + c
                floor_rest = min_square_sum(rest, k - t2)
                if lo + c * c + floor_rest >= s_max:
                    if c * c > s_max:
                        break
                    continue
                top = s_max - floor_rest  # S2 after this layer must stay below top
                length = min(len(arr), top - (lo + c * c))
                if length <= 0:
                    continue
                lo2 = lo + c * c
                if t2 not in nxt:
                    nxt[t2] = (lo2, np.zeros(length, dtype=np.longdouble))
                cur_lo, cur = nxt[t2]
                need_lo = min(cur_lo, lo2)
                need_hi = max(cur_lo + len(cur), lo2 + length)
                if need_lo != cur_lo or need_hi != cur_lo + len(cur):
                    grown = np.zeros(need_hi - need_lo, dtype=np.longdouble)
                    grown[cur_lo - need_lo:cur_lo - need_lo + len(cur)] = cur
                    cur_lo, cur = need_lo, grown
                cur[lo2 - cur_lo:lo2 - cur_lo + length] += arr[:length] * w[c]
                nxt[t2] = (cur_lo, cur)
        layer = nxt
    lo, arr = layer[k]
    p_t = np.longdouble(mp.exp(-k + k * mp.log(k) - mp.loggamma(k + 1)))
    return lo, arr / p_t


def pearson_null_tails(n, k, alphas):
    """Exact P(X² >= x) at the chi-square critical points and on a grid around them."""
    xs = [float(scipy.stats.chi2.isf(a, n - 1)) for a in alphas]
    x_hi = max(xs) * 1.15
    s_max = math.ceil((x_hi + k) * k / n) + 1
    lo, arr = pearson_s2_below(k, n, s_max)
    cdf = np.concatenate([[np.longdouble(0)], np.cumsum(arr)])

    def tail_x(x):
        # X² >= x  <=>  S2 >= (x + K) K / N (up to the tie tolerance), S2 an integer
        s = math.ceil(((tie_floor(x) + k) * k / n) - 1e-9)
        idx = max(0, min(len(arr), s - lo))
        return float(1 - cdf[idx])

    critical = [{"alpha": a, "x": x, "exactTail": tail_x(x), "ratio": tail_x(x) / a} for a, x in zip(alphas, xs)]
    # The tail at every distinct S2 value in [x_lo, x_hi]: X² = N S2 / K - K.
    x_lo = min(xs) * 0.85
    grid = []
    s_from = max(lo, math.ceil((x_lo + k) * k / n))
    for s in range(s_from, lo + len(arr)):
        x = n * s / k - k
        if x > x_hi:
            break
        if arr[s - lo] > 0:
            grid.append([x, float(1 - cdf[s - lo])])
    return {"endpoints": n, "samples": k, "critical": critical, "tail": grid}


def check_pearson_null_against_enumeration():
    """The S2 computation agrees with brute force; returns the worst absolute difference."""
    worst = 0.0
    for n, k in [(3, 30), (4, 16), (5, 12)]:
        s_max = k * k + 1
        lo, arr = pearson_s2_below(k, n, s_max)
        brute = {}
        for v in multinomial_vectors(k, n):
            s2 = sum(c * c for c in v)
            prob = math.factorial(k) / n**k
            for c in v:
                prob /= math.factorial(c)
            brute[s2] = brute.get(s2, 0.0) + prob
        for s2, prob in brute.items():
            worst = max(worst, abs(float(arr[s2 - lo]) - prob))
    return worst


def check_pearson_null_against_rationals():
    """One tail of the S2 computation against exact rational enumeration (N = 3, K = 200); relative error."""
    k, n, s = 200, 3, 14642
    exact = Fraction(0)
    for c1 in range(k + 1):
        for c2 in range(k + 1 - c1):
            c3 = k - c1 - c2
            if c1 * c1 + c2 * c2 + c3 * c3 >= s:
                exact += Fraction(math.factorial(k), math.factorial(c1) * math.factorial(c2) * math.factorial(c3))
    exact /= 3**k
    lo, arr = pearson_s2_below(k, n, s)
    tail = 1 - np.sum(arr)
    return float(abs(tail - np.longdouble(float(exact))) / float(exact))


def round_robin_passes():
    """P(a uniform random sequence passes the round-robin test with at most v violations), by enumerating
    every sequence and counting violations exactly as roundRobinSequence.ts defines them."""
    rows = []
    for n, k, v in [(3, 8, 0), (5, 7, 2), (4, 9, 1), (3, 10, 3), (5, 6, 0)]:
        passed = 0
        for seq in itertools.product(range(n), repeat=k):
            order, position, violations, previous = [], {}, 0, None
            for b in seq:
                if len(order) < n:
                    if b in position:
                        violations += 1
                    else:
                        position[b] = len(order)
                        order.append(b)
                elif previous is not None and b != order[(position[previous] + 1) % n]:
                    violations += 1
                previous = b
            if violations <= v:
                passed += 1
        rows.append({"endpoints": n, "samples": k, "maxViolations": v, "pass": passed / n**k})
    return rows


def planner_power():
    """Exact power of the exact multinomial Pearson test at level 1e-3 against (0.5, 0.25, 0.25), N = 3,
    for K = 180 … 230, with S2 integers (no floating ties); and the smallest K from which the power stays
    >= 0.9 through 230."""
    alt = [0.5, 0.25, 0.25]
    alpha = 1e-3
    table = []
    for k in range(180, 231):
        null = {}
        vectors = list(multinomial_vectors(k, 3))
        log_k = math.lgamma(k + 1)
        for v in vectors:
            s2 = sum(c * c for c in v)
            lp = log_k - k * math.log(3) - sum(math.lgamma(c + 1) for c in v)
            null[s2] = null.get(s2, 0.0) + math.exp(lp)
        tail = {}
        acc = 0.0
        for s2 in sorted(null, reverse=True):
            acc += null[s2]
            tail[s2] = acc
        power = 0.0
        for v in vectors:
            if tail[sum(c * c for c in v)] <= alpha:
                power += math.exp(log_k + sum(c * math.log(p) - math.lgamma(c + 1) for c, p in zip(v, alt)))
        table.append([k, power])
    stays = None
    for k, p in reversed(table):
        if p < 0.9:
            break
        stays = k
    return {"alternative": alt, "alpha": alpha, "power": table, "smallestStaying": stays, "through": 230}


def holm_ties():
    """Holm at familyAlpha with one p = double(familyAlpha / k) and k - 1 p-values of 1: whether
    k·p <= familyAlpha in exact arithmetic (the p-value and alpha taken as the doubles they are)."""
    rows = []
    for alpha, k in [(0.05, 3), (0.05, 11), (0.1, 11), (1e-3, 7), (0.05, 7)]:
        p = alpha / k
        rows.append({"familyAlpha": alpha, "m": k, "p": p, "reject": Fraction(p) * k <= Fraction(alpha)})
    return rows


def main():
    out = {
        "generatedBy": "oracle/lb/stats/reference/compute.py",
        "versions": {
            "python": sys.version.split()[0],
            "scipy": scipy.__version__,
            "mpmath": mp.__version__,
            "numpy": np.__version__,
        },
        "incompleteGamma": incomplete_gamma(),
        "chiSquare": chi_square(),
        "binomialTails": binomial_tails(),
        "binomialUpperLimit": binomial_limits(),
        "williamsG": williams_g(),
        "exactTails": exact_tails(),
        "partitionCounts": partition_counts(),
        "pearsonNullCheck": {
            "worstAbsoluteDifference": check_pearson_null_against_enumeration(),
            "relativeErrorAgainstRationals": check_pearson_null_against_rationals(),
        },
        "pearsonNull": [
            pearson_null_tails(10, 540, [1e-3, 1e-5]),
            pearson_null_tails(10, 100, [1e-5]),
            pearson_null_tails(5, 420, [1e-3, 1e-6]),
            pearson_null_tails(3, 200, [1e-5]),
        ],
        "roundRobin": round_robin_passes(),
        "planner": planner_power(),
        "holmTies": holm_ties(),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
