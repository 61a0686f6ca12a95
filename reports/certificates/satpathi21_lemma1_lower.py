"""Certificate: the Omega constant of Satpathi & Srikant (2021) Lemma 1's lower bound is not uniform in d.

Lemma 1 claims ``lambda_min(H) >= C (d+1) theta_min / sqrt(log(2n) + 1)`` for every data set on the
sphere ``||x_i|| = sqrt(d)`` with no two points parallel and ``theta_min < 1``, with C independent of
n and d. Here H is eq. (9), ``H_ij = x~_i^T x~_j (pi - phi_ij) / (2 pi)``, ``x~ = (x, 1)``,
``phi_ij`` the angle between ``x~_i`` and ``x~_j``, and ``theta_min = min_{i != j} phi_ij``.

Family (n = 8, any d >= 2): ``x_i = sqrt(d) (e_i, 0, ..., 0)`` with e_i, i < 4, at angles ``i pi/4`` in
a plane and ``e_{4+i} = -e_i`` rotated by ``eps = 1/d`` (near-antipodal, never parallel). This script
recomputes everything without the suite (mpmath, 50 digits): the hypotheses (``theta_min < 1``,
no two parallel) and a rigorous *upper* bound on ``lambda_min(H)``: the Rayleigh quotient
``v^T H v / v^T v`` of any v (here numpy's eigenvector, converted exactly) is >= lambda_min. With
``theta_min`` known to 40+ digits, ``C(d) = lambda_min sqrt(log 2n + 1)/((d+1) theta_min)`` is
bounded above by ``C_up(d)``; a constant independent of d would have to be <= min_d C_up(d). The
script prints ``C_up(d)`` and ``sqrt(d) C_up(d)`` for d = 10 .. 10^8 and exits 0 when C_up(10^8) <
C_up(10) / 1000 (the constant tends to 0 like d^-1/2: the statement is false as printed).

Usage: ``python reports/certificates/satpathi21_lemma1_lower.py`` (numpy and mpmath only).
"""
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 50
DIMENSIONS = (10, 10**2, 10**4, 10**6, 10**8)
M = 4  # lines in the plane (n = 2M = 8 points)
#: an upper bound on the relative error of the 50-digit evaluation (angles near pi lose at most
#: half the digits): added to every bound so that the inequalities printed are rigorous
SLACK = mp.mpf(10) ** -30


def family(d):
    """The 2M unit vectors e_i (mp, in the plane) of the near-antipodal family at dimension d."""
    eps = mp.mpf(1) / d
    a = [mp.pi * i / M for i in range(M)]
    return [(mp.cos(t), mp.sin(t)) for t in a] + [(-mp.cos(t + eps), -mp.sin(t + eps)) for t in a]


def certify(d):
    """(C_up, lambda_up, theta_min, min line angle of the x_i) for the family at dimension d."""
    E = family(d)
    n = len(E)
    dot = [[e[0] * f[0] + e[1] * f[1] for f in E] for e in E]
    # ||x_i|| = sqrt(d) exactly; x~_i^T x~_j = d <e_i, e_j> + 1, ||x~_i||^2 = d + 1
    G = [[d * dot[i][j] + 1 for j in range(n)] for i in range(n)]
    phi = [[mp.acos(G[i][j] / (d + 1)) if i != j else mp.mpf(0) for j in range(n)] for i in range(n)]
    H = [[G[i][j] * (mp.pi - phi[i][j]) / (2 * mp.pi) for j in range(n)] for i in range(n)]
    theta = min(phi[i][j] for i in range(n) for j in range(n) if i != j)
    psi = [mp.acos(max(-1, min(1, dot[i][j]))) for i in range(n) for j in range(n) if i < j]
    line_gap = min(min(p, mp.pi - p) for p in psi)  # angle between the x_i's lines: > 0 means non-parallel
    Hf = np.array([[float(h) for h in row] for row in H])
    v = [mp.mpf(float(t)) for t in np.linalg.eigh(Hf)[1][:, 0]]
    rayleigh = sum(v[i] * H[i][j] * v[j] for i in range(n) for j in range(n)) / sum(t * t for t in v)
    lam_up = rayleigh + SLACK * (d + 1) * n
    c_up = lam_up * mp.sqrt(mp.log(2 * n) + 1) / ((d + 1) * theta * (1 - SLACK))
    return c_up, lam_up, theta, line_gap


def main() -> int:
    print(f"Lemma 1 lower bound, near-antipodal family (n = {2 * M}, eps = 1/d), 50-digit mpmath")
    print(f"{'d':>10}  {'theta_min':>10}  {'line gap':>10}  {'lambda_min <=':>14}  {'C(d) <=':>12}  {'sqrt(d) C <=':>12}")
    rows = []
    for d in DIMENSIONS:
        c_up, lam_up, theta, gap = certify(d)
        ok = theta < 1 - SLACK and gap > SLACK
        rows.append((d, c_up, ok))
        print(f"{d:>10.0e}  {float(theta):>10.6f}  {float(gap):>10.3g}  {float(lam_up):>14.8g}  {float(c_up):>12.6g}  "
              f"{float(c_up * mp.sqrt(d)):>12.6f}" + ("" if ok else "  HYPOTHESIS FAILS"))
    confirmed = all(ok for _, _, ok in rows) and rows[-1][1] < rows[0][1] / 1000
    slope = (mp.log(rows[-1][1]) - mp.log(rows[1][1])) / (mp.log(rows[-1][0]) - mp.log(rows[1][0]))
    print(f"C_up(1e8) / C_up(10) = {float(rows[-1][1] / rows[0][1]):.3g}; slope of log C_up in log d (1e2..1e8) = {float(slope):.4f}")
    print("non-uniformity in d CONFIRMED: every hypothesis holds and the Omega constant is <= C_up(d) -> 0"
          if confirmed else "NOT confirmed")
    return 0 if confirmed else 1


if __name__ == "__main__":
    sys.exit(main())
