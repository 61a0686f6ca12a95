"""Certificate: Theorem 4.3 of Oymak & Soltanolkotabi (2019) is false as printed.

Standalone (mpmath only; no import of the suite). Interval arithmetic (``mpmath.iv``, 50 digits):
every quantity below is an interval that contains the exact real value, so the final comparison
is a proof, not a floating-point observation.

Instance (n = d = 2, k = 1, v = 1, one GD step at the printed step cap):
``X = [[1, 0], [4/5, 3/5]]``, ``W0 = (0, 5)`` (pre-activations ``X W0 = (0, 3)``), ``y = (-1/10, 1/5)``,
``phi(z) = c (s z + tanh z)`` with ``s = 3/10``, ``c = 10^-4``: ``phi' = c (s + sech^2 z)`` lies in
``[gamma, Gamma] = [c s, c (s + 1)]`` and ``|phi''| <= M = c 4 / (3 sqrt 3)``.
The printed step is ``eta = min(1, gamma^2 sigma_min^2 / (Gamma M ||X||_{2,inf} ||X|| ||r0||)) / (2 Gamma^2 ||X||^2)``
(we take the lower end of its enclosure: a step the statement allows), and the printed claim is
``||r1||^2 <= (1 - eta gamma^2 sigma_min^2) ||r0||^2``. Exit status 0 iff the violation is proved.
"""
import sys

from mpmath import iv

iv.dps = 50


def tanh(z):
    return 1 - 2 / (iv.exp(2 * z) + 1)


def main() -> int:
    s, c = iv.mpf("0.3"), iv.mpf("1e-4")
    X = [[iv.mpf(1), iv.mpf(0)], [iv.mpf("0.8"), iv.mpf("0.6")]]
    w0, y = [iv.mpf(0), iv.mpf(5)], [iv.mpf("-0.1"), iv.mpf("0.2")]
    phi = lambda z: c * (s * z + tanh(z))  # noqa: E731
    dphi = lambda z: c * (s + 1 - tanh(z) ** 2)  # noqa: E731
    gamma, Gamma, M = c * s, c * (s + 1), c * 4 / (3 * iv.sqrt(3))
    # singular values of the 2 x 2 X from the eigenvalues of X X^T
    K = [[sum(X[i][t] * X[j][t] for t in range(2)) for j in range(2)] for i in range(2)]
    tr, det = K[0][0] + K[1][1], K[0][0] * K[1][1] - K[0][1] * K[1][0]
    disc = iv.sqrt(tr * tr - 4 * det)
    lmax, lmin = (tr + disc) / 2, (tr - disc) / 2
    row = iv.sqrt(max((X[i][0] ** 2 + X[i][1] ** 2 for i in range(2)), key=lambda r: r.b))
    z0 = [X[i][0] * w0[0] + X[i][1] * w0[1] for i in range(2)]
    r0 = [phi(z0[i]) - y[i] for i in range(2)]
    n0 = r0[0] ** 2 + r0[1] ** 2
    inner = gamma**2 * lmin / (Gamma * M * row * iv.sqrt(lmax) * iv.sqrt(n0))
    if not inner.b < 1:
        print("the min in the step cap is not decided below 1"); return 1
    eta = iv.mpf((inner / (2 * Gamma**2 * lmax)).a)  # an exact step <= the printed cap
    g = [dphi(z0[i]) * r0[i] for i in range(2)]
    w1 = [w0[t] - eta * (X[0][t] * g[0] + X[1][t] * g[1]) for t in range(2)]
    r1 = [phi(X[i][0] * w1[0] + X[i][1] * w1[1]) - y[i] for i in range(2)]
    n1 = r1[0] ** 2 + r1[1] ** 2
    bound = (1 - eta * gamma**2 * lmin) * n0
    print(f"eta (printed cap, lower end)        = {iv.nstr(eta, 12)}")
    print(f"||r0||^2                            in {iv.nstr(n0, 20)}")
    print(f"||r1||^2                            in {iv.nstr(n1, 20)}")
    print(f"(1 - eta gamma^2 sigma_min^2)||r0||^2 in {iv.nstr(bound, 20)}")
    print(f"||r1||^2 / bound                    in {iv.nstr(n1 / bound, 12)}")
    ok = n1.a > bound.b
    print("VIOLATED: ||r1||^2 > (1 - eta gamma^2 sigma_min^2) ||r0||^2 (and the residual grew: %s)" % (n1.a > n0.b) if ok
          else "not confirmed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
