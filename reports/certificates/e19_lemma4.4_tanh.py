"""Certificate: E-Ma-Wang-Wu Lemma 4.4 is false for tanh (numpy + mpmath only; does not import the suite).

Lemma 4.4: if L >= 8 ln(n^2/delta)/(m lambda_n^2), then P(lambda_min(H(Theta0)) >= 3 lambda_n/4) >= 1 - delta,
H(Theta0) = 1/(nL) sum over the L - 1 blocks and m neurons of phi phi^T, phi = tanh(X w/sqrt m), w uniform on
S^{d-1} (2.5); lambda_n = lambda_min(K), K_ij = E_w[tanh(w.x_i) tanh(w.x_j)]/n (2.6).

Counterexample: X = the equilateral triangle in d = 2 (n = 3 > d), m = 2, delta = 0.1, L = ceil(L_req).
For v = (1, 1, 1)/sqrt 3, X^T v = 0, so v.phi = v.(tanh u - u) with |tanh u - u| <= |u|^3/3 and
|u_i| <= 1/sqrt m: every term Z = (v.phi)^2 lies in [0, S], S = (|v|_1/(3 m^1.5))^2, with mean
mu = v^T k0_m v / m (k0_m = m E[tanh(w.x/sqrt m) tanh(w.x'/sqrt m)]). lambda_min(H) <= v^T H v =
(1/(nL)) sum of N = (L-1) m iid Z, so by Hoeffding
    P(lambda_min(H) >= 3 lambda_n/4) <= exp(-2 N (tau - mu)^2 / S^2),  tau = 3 lambda_n n L / (4 N) > mu,
which must be >= 1 - delta = 0.9 by the lemma. Kernels by mpmath quadrature at 50 digits (d = 2: w = (cos t,
sin t), t uniform), with mpmath's error estimates carried into the margins. Also printed: for m >= 11 every
draw at every depth has lambda_min(H) <= |v|_1^2/(9 n m^2) < 3 lambda_n/4. Exit status 0 when confirmed.
"""
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 50
N_PTS, M, DELTA = 3, 2, mp.mpf("0.1")
ANGLES = [2 * mp.pi * k / 3 for k in range(N_PTS)]


def k0(m, i, j):
    """m E[tanh(w.x_i/sqrt m) tanh(w.x_j/sqrt m)], w uniform on the circle, and mpmath's error estimate."""
    f = lambda t: mp.tanh(mp.cos(t - ANGLES[i]) / mp.sqrt(m)) * mp.tanh(mp.cos(t - ANGLES[j]) / mp.sqrt(m))
    val, err = mp.quad(f, mp.linspace(0, 2 * mp.pi, 13), error=True)
    return m * val / (2 * mp.pi), m * err / (2 * mp.pi)


def kernel(m):
    vals = [[k0(m, i, j) for j in range(N_PTS)] for i in range(N_PTS)]
    return mp.matrix([[v for v, _ in row] for row in vals]), mp.sqrt(sum(e**2 for row in vals for _, e in row))


def main() -> int:
    K1, e1 = kernel(1)
    lam_n = min(mp.eigsy(K1)[0]) / N_PTS  # lambda_n = lambda_min(K), K = k0 / n
    lam_lo, lam_hi = lam_n - e1 / N_PTS, lam_n + e1 / N_PTS  # Weyl: |error| <= Frobenius norm of the error
    Km, em = kernel(M)
    v = mp.matrix([1, 1, 1]) / mp.sqrt(3)
    xtv = mp.sqrt(sum(sum(v[i] * f(ANGLES[i]) for i in range(N_PTS)) ** 2 for f in (mp.cos, mp.sin)))
    mu_hi = ((v.T * Km * v)[0] + em) / M  # v^T k0_m v / m, rounded up
    S = (xtv / mp.sqrt(M) + sum(abs(c) for c in v) / (3 * mp.mpf(M) ** 1.5)) ** 2
    L = int(mp.ceil(8 * mp.log(N_PTS**2 / DELTA) / (M * lam_lo**2)))  # >= L_req whatever lambda_n in [lam_lo, lam_hi]
    N = (L - 1) * M
    tau = 3 * lam_lo * N_PTS * L / (4 * N)
    log10_p = -2 * N * (tau - mu_hi) ** 2 / (S**2 * mp.log(10))
    q = N / (N_PTS * L * lam_lo) * (mu_hi + S * mp.sqrt(mp.log(1 / (1 - DELTA)) / (2 * N)))
    print(f"X = equilateral triangle in d = 2 (n = 3), tanh, m = {M}, delta = {DELTA}")
    print(f"lambda_n = {mp.nstr(lam_n, 20)} (+- {mp.nstr(e1 / N_PTS, 3)}), |X^T v| = {mp.nstr(xtv, 3)}")
    print(f"L = {L} >= L_req = 8 ln(n^2/delta)/(m lambda_n^2) = {mp.nstr(8 * mp.log(N_PTS**2 / DELTA) / (M * lam_n**2), 12)}")
    print(f"mean of v^T H v: (1 - 1/L) v^T K_m v = {mp.nstr(N * mu_hi / (N_PTS * L), 12)} = {mp.nstr(N * mu_hi / (N_PTS * L * lam_n), 6)} lambda_n")
    print(f"per-neuron range S = {mp.nstr(S, 6)}, N = (L-1) m = {N} iid terms")
    print(f"VIOLATED: delta-quantile of lambda_min(H)/lambda_n <= {mp.nstr(q, 6)} < 3/4, and")
    print(f"VIOLATED: P(lambda_min(H) >= 3 lambda_n/4) <= 10^{mp.nstr(log10_p, 8)} < 1 - delta = {1 - DELTA}")
    ok = tau > mu_hi and q < mp.mpf(3) / 4 and log10_p < mp.log10(1 - DELTA)
    m_det = 11  # every draw, every depth: lambda_min(H) <= |v|_1^2 / (9 n m^2)
    det = mp.mpf(3) / (9 * N_PTS * m_det**2)
    print(f"every draw, any depth, m = {m_det}: lambda_min(H) <= |v|_1^2/(9 n m^2) = {mp.nstr(det, 8)} "
          f"= {mp.nstr(det / lam_n, 6)} lambda_n < 3/4 lambda_n")
    ok = ok and det < 3 * lam_lo / 4 and bool(np.isfinite(float(log10_p)))
    print("confirmed" if ok else "NOT confirmed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
