/**
 * The one-sided upper confidence bound on a rate seen as `k` events in `n` independent trials
 * (Clopper-Pearson: the rate p at which k or fewer events would happen with probability
 * 1 - confidence). For k = 0 it is 1 - (1 - confidence)^(1/n), about 3/n at 95% (the rule of
 * three).
 */
export function upperBound(k: number, n: number, confidence = 0.95): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  const alpha = 1 - confidence;
  if (k === 0) return 1 - Math.pow(alpha, 1 / n);
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** P(X <= k) for X ~ Binomial(n, p), summed in logs so large n does not overflow. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let logTerm = n * Math.log(1 - p); // i = 0
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i) + Math.log(p / (1 - p));
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

export const percent = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
