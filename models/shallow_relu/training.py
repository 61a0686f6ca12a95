"""Satpathi & Srikant (2021), Sec. 3-4: training the shallow ReLU net with the output layer fixed.

- Discrete GD exactly as the paper writes it (Sec. 4): ``w(k+1) = w(k) - eta grad f (f - Y)``,
  i.e. gradient descent on ``L(w) = sum_i (y_i - f(x_i, w))^2 / 2`` — the paper's step drops the
  factor 2 of its loss. :func:`effective_step` converts the step size of the other two
  readings (``sum`` of squares with the factor 2, ``mean`` squared error) into the paper's.
- Gradient flow (Sec. 3) ``dw/dt = -grad f (f - Y)`` through ``scipy.integrate.solve_ivp``
  (adaptive Dormand-Prince; ``rtol``/``atol`` are stated in the result and checked against
  small-step GD in the tests).

Both record a trajectory only at requested iterations / times (never every step): the
residual norm ``||f - Y||``, the step length, user observables, and optionally the weights.

GD runs in torch, float64, on CPU by default or on CUDA with ``device="cuda"``, vectorised over
neurons and over a batch of independent networks (seeds, label vectors) trained at once. The
step is written by hand from the closed-form gradient
``grad_{w_k} = a_k/sqrt(m) sum_i 1{w_k^T x~_i >= 0} r_i x~_i`` (relu'(0) = 1, as in Sec. 2.1):
weights are stored transposed, ``(d+1, m)``, so that both products with the n x m activation
pattern are wide matrix products, and the pattern is written straight as float64 (no autograd
graph, no boolean intermediate).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from models.shallow_relu import network as net
from models._shared.validation import as_matrix

LOSSES = ("paper", "sum", "mean")


def effective_step(step_size: float, loss: str, n: int) -> float:
    """The step ``eta`` of the paper's update ``w <- w - eta grad f (f - Y)`` for a learning rate
    applied to one of three losses:

    - ``paper``: ``sum (f - y)^2 / 2`` (the paper's update as written): ``eta = step_size``;
    - ``sum``: ``sum (f - y)^2`` (the paper's loss L(w) with its factor 2): ``eta = 2 step_size``;
    - ``mean``: ``(1/n) sum (f - y)^2`` (a "mean squared loss"): ``eta = 2 step_size / n``.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step size must be positive and finite, got {step_size!r}")
    return {"paper": 1.0, "sum": 2.0, "mean": 2.0 / n}[loss] * float(step_size)


@dataclass
class Trajectory:
    """What a run recorded. Arrays have a leading axis over the recorded points; with a batch
    of B networks, a second axis over the batch.

    ``at``: the iterations (GD) or times (flow) recorded; ``residual_norm``: ``||f - Y||``;
    ``step_norm``: ``||w(k+1) - w(k)||`` taken from the recorded iterate (GD only);
    ``weights``: the iterates in the (m, d+1) layout, when ``keep_weights``;
    ``observed``: the values returned by ``observe`` at each recorded point.
    """

    at: np.ndarray
    residual_norm: np.ndarray
    step_norm: np.ndarray | None = None
    weights: np.ndarray | None = None
    observed: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict = field(default_factory=dict)


def _batch(params: net.Params | Sequence[net.Params]) -> tuple[np.ndarray, np.ndarray, bool]:
    if isinstance(params, net.Params):
        return params.W[None], params.a[None], False
    params = list(params)
    if not params:
        raise ValueError("an empty batch of networks")
    shapes = {p.W.shape for p in params}
    if len(shapes) != 1:
        raise ValueError(f"all networks of a batch must have the same shape, got {sorted(shapes)}")
    return np.stack([p.W for p in params]), np.stack([p.a for p in params]), True


def _labels(y, B: int, n: int) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = np.broadcast_to(y, (B, y.shape[0]))
    if y.shape != (B, n):
        raise ValueError(f"labels must have shape ({n},) or ({B}, {n}), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("labels have a non-finite entry")
    return np.array(y, copy=True)


def _record_points(record, last: int | float, integer: bool) -> np.ndarray:
    if record is None:
        return np.array([0, last]) if integer else np.array([0.0, float(last)])
    pts = np.asarray(record, dtype=np.int64 if integer else np.float64)
    if pts.ndim != 1 or pts.size == 0:
        raise ValueError("record must be a non-empty 1-d list of points")
    if np.any(np.diff(pts) <= 0) or pts[0] < 0 or pts[-1] > last:
        raise ValueError(f"record points must be strictly increasing within [0, {last}]")
    return pts


def _torch_device(device: str):
    import torch

    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but torch sees no CUDA device")
    return dev


class _Progress:
    """A one-line progress report on stderr for long runs (only when stderr is a terminal)."""

    def __init__(self, total: int, label: str, enabled: bool | None) -> None:
        self.total, self.label = total, label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = self.last = time.monotonic()

    def update(self, k: int) -> None:
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.5 or k == self.total):
            self.last = now
            rate = k / max(now - self.t0, 1e-9)
            eta_s = (self.total - k) / rate if rate > 0 else float("nan")
            sys.stderr.write(f"\r{self.label}: {k}/{self.total} steps, {rate:.0f}/s, ETA {eta_s:.0f}s ")
            if k == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


#: smallest B n m at which gd() fuses its step with torch.compile by default
FUSE_MIN_SIZE = 1_000_000


def _fused_gradient():
    """``(r, G)`` of one step as a compiled function (cached per process; torch recompiles per shape)."""
    global _FUSED
    if _FUSED is None:
        import torch

        def step(Xt, Wt, a_col, Yt):
            P = torch.matmul(Xt, Wt)  # (B, n, m)
            M = (P >= 0).to(P.dtype)  # relu'(0) = 1, as in the eager step
            r = torch.matmul(P.clamp(min=0.0), a_col)[:, :, 0] - Yt
            return r, torch.matmul((r[:, :, None] * Xt).transpose(1, 2), M)

        _FUSED = torch.compile(step, dynamic=False)
    return _FUSED


_FUSED = None


def gd(
    X,
    y,
    params: net.Params | Sequence[net.Params],
    *,
    step_size: float,
    steps: int,
    record: Sequence[int] | None = None,
    loss: str = "paper",
    device: str = "cpu",
    observe: Callable[[np.ndarray], Mapping[str, float | np.ndarray]] | None = None,
    keep_weights: bool = False,
    progress: bool | None = False,
    fused: bool | None = None,
) -> Trajectory:
    """Full-batch GD with the output signs fixed (Sec. 4), from ``params`` (= ``w(0)``).

    ``params`` is one network or a list of networks of the same shape trained at once (a
    batch); ``y`` is (n,) (shared) or (B, n). ``loss`` picks how ``step_size`` is read
    (:func:`effective_step`). At each iteration in ``record`` (default ``[0, steps]``) the run
    stores ``||f - Y||``, ``||w(k+1) - w(k)||``, ``observe(W)`` for W of shape (m, d+1) (or
    (B, m, d+1) with a batch) and, if ``keep_weights``, the weights.

    ``fused``: compute the step with a ``torch.compile``-fused kernel (mask, relu and the
    matrix-vector product in one pass over the (n, m) array; same numbers up to summation
    order, ~1e-12). ``None`` (default) fuses on CPU when ``B n m >= FUSE_MIN_SIZE``, where the
    one-off compilation (seconds, per shape) pays for itself, and falls back to the buffered
    eager step if compilation fails.
    """
    import torch

    X = as_matrix(X)
    n = X.shape[0]
    W0, a, batched = _batch(params)
    B, m, dp1 = W0.shape
    if dp1 != X.shape[1] + 1:
        raise ValueError(f"X has d = {X.shape[1]} columns but the network expects d = {dp1 - 1}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    steps = int(steps)
    Y = _labels(y, B, n)
    eta = effective_step(step_size, loss, n)
    pts = _record_points(record, steps, integer=True)
    dev = _torch_device(device)
    f64 = torch.float64

    Xt = torch.as_tensor(net.augment(X), dtype=f64, device=dev)  # (n, d+1)
    Wt = torch.as_tensor(np.ascontiguousarray(W0.transpose(0, 2, 1)), dtype=f64, device=dev).clone()  # (B, d+1, m)
    a_s = torch.as_tensor(a / np.sqrt(m), dtype=f64, device=dev)  # (B, m)
    Yt = torch.as_tensor(Y, dtype=f64, device=dev)  # (B, n)
    P = torch.empty((B, n, m), dtype=f64, device=dev)
    M = torch.empty((B, n, m), dtype=f64, device=dev)
    G = torch.empty((B, dp1, m), dtype=f64, device=dev)
    a_col = a_s[:, :, None]
    scale = (-eta * a_s)[:, None, :]  # (B, 1, m)

    if fused is None:
        fused = dev.type == "cpu" and B * n * m >= FUSE_MIN_SIZE
    fused_step = _fused_gradient() if fused else None

    def gradient_fused() -> tuple[torch.Tensor, torch.Tensor]:
        nonlocal fused_step
        try:
            return fused_step(Xt, Wt, a_col, Yt)
        except Exception as exc:  # noqa: BLE001 - any compiler failure: fall back, say so once
            import warnings

            warnings.warn(f"gd: torch.compile of the step failed ({type(exc).__name__}); using the eager step", stacklevel=3)
            fused_step = None
            return gradient(), G

    def gradient() -> torch.Tensor:
        """Residual r = f - Y (B, n); leaves grad_w (transposed, without the a_k/sqrt m factor) in G."""
        torch.matmul(Xt, Wt, out=P)  # w_k^T x~_i
        torch.ge(P, 0.0, out=M)  # 1{w_k^T x~_i >= 0} as float64
        P.clamp_(min=0.0)  # relu
        r = torch.matmul(P, a_col)[:, :, 0] - Yt  # f - Y
        torch.matmul((r[:, :, None] * Xt).transpose(1, 2), M, out=G)  # sum_i M_ik r_i x~_i
        return r
    n_rec = len(pts)
    res = np.empty((n_rec, B))
    stepn = np.empty((n_rec, B))
    kept = np.empty((n_rec, B, m, dp1)) if keep_weights else None
    observed: dict[str, list] = {}
    bar = _Progress(steps, f"GD m={m} B={B}", progress)
    j = 0
    for k in range(steps + 1):
        r, Gk = gradient_fused() if fused_step is not None else (gradient(), G)
        if k == pts[j]:
            res[j] = torch.linalg.vector_norm(r, dim=1).cpu().numpy()
            stepn[j] = (eta * torch.linalg.vector_norm(Gk * a_s[:, None, :], dim=(1, 2))).cpu().numpy()
            if keep_weights or observe is not None:
                Wk = Wt.transpose(1, 2).cpu().numpy()
                if keep_weights:
                    kept[j] = Wk
                if observe is not None:
                    for key, val in observe(Wk if batched else Wk[0]).items():
                        observed.setdefault(key, []).append(val)
            j += 1
            if j == n_rec:
                break
        Wt.addcmul_(Gk, scale)  # w <- w - eta a_k/sqrt(m) sum_i M_ik r_i x~_i
        if k % 256 == 0:
            bar.update(k)
    bar.update(steps)
    sq = (lambda v: v) if batched else (lambda v: v[:, 0] if v.ndim >= 2 else v)
    return Trajectory(
        at=pts,
        residual_norm=sq(res),
        step_norm=sq(stepn),
        weights=None if kept is None else (kept if batched else kept[:, 0]),
        observed={k: np.asarray(v) for k, v in observed.items()},
        info={"eta": eta, "loss": loss, "step_size": step_size, "device": str(dev), "batch": B},
    )


def flow_rhs(X, a: np.ndarray, y: np.ndarray) -> Callable[[float, np.ndarray], np.ndarray]:
    """``-grad f (f - Y)`` as a function of the flat weights (closed form, numpy)."""
    Xt = net.augment(X)
    a_s = a / np.sqrt(a.shape[0])
    m, dp1 = a.shape[0], Xt.shape[1]

    def rhs(_t: float, w: np.ndarray) -> np.ndarray:
        W = w.reshape(m, dp1)
        P = Xt @ W.T
        M = (P >= 0.0).astype(np.float64)
        r = np.maximum(P, 0.0) @ a_s - y
        return -(a_s[:, None] * ((r[:, None] * Xt).T @ M).T).reshape(-1)

    return rhs


def gradient_flow(
    X,
    y,
    params: net.Params,
    *,
    times: Sequence[float],
    rtol: float = 1e-6,
    atol: float = 1e-9,
    method: str = "RK45",
    max_rhs: int = 500_000,
    observe: Callable[[np.ndarray], Mapping[str, float | np.ndarray]] | None = None,
    keep_weights: bool = False,
) -> Trajectory:
    """Gradient flow ``dw/dt = -grad f (f - Y)`` (Sec. 3) by ``scipy.integrate.solve_ivp``.

    ``rtol``/``atol`` are the integrator's local error tolerances (per weight coordinate; stated
    in ``info`` with the number of right-hand sides). The right-hand side is *discontinuous*
    in w (the indicator ``1{w_k^T x_i >= 0}``): adaptive step control shrinks the step at each
    activation switch, and where the flow pushes a neuron onto a kink from both sides (a
    Filippov sliding mode, which happens already at m = 12) the number of steps grows like
    ``1/tol``: at m = 12, n = 4, T = 1 RK45 needs 3e4 right-hand sides at rtol 1e-6 and 3e6 at
    1e-8. Hence the moderate defaults and ``max_rhs``: past it a RuntimeError says so rather
    than running for hours. The tests check the result against GD with small steps, whose
    distance to the flow is O(eta).
    """
    from scipy.integrate import solve_ivp

    X = as_matrix(X)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},), got {y.shape}")
    times = np.asarray(times, dtype=np.float64)
    T = float(times[-1]) if times.size else 0.0
    pts = _record_points(times, T, integer=False)
    m, dp1 = params.W.shape
    base = flow_rhs(X, params.a, y)
    calls = [0]

    def rhs(t: float, w: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if calls[0] > max_rhs:
            raise RuntimeError(
                f"gradient_flow: more than max_rhs = {max_rhs} right-hand sides before t = {T} "
                f"(reached t = {t:.6g}); the flow is probably sliding along a ReLU kink: "
                "loosen rtol/atol, raise max_rhs, or follow the flow with small-step gd()"
            )
        return base(t, w)

    sol = solve_ivp(rhs, (0.0, T), params.W.reshape(-1), method=method, t_eval=pts, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    Ws = sol.y.T.reshape(len(pts), m, dp1)
    a_s = params.a / np.sqrt(m)
    Xt = net.augment(X)
    res = np.array([np.linalg.norm(np.maximum(Xt @ W.T, 0.0) @ a_s - y) for W in Ws])
    observed: dict[str, list] = {}
    if observe is not None:
        for W in Ws:
            for key, val in observe(W).items():
                observed.setdefault(key, []).append(val)
    return Trajectory(
        at=pts,
        residual_norm=res,
        weights=Ws if keep_weights else None,
        observed={k: np.asarray(v) for k, v in observed.items()},
        info={"rtol": rtol, "atol": atol, "method": method, "nfev": int(sol.nfev)},
    )
