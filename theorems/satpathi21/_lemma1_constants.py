"""Lemma 1's spectrum and lower constant, shared by the checks (:mod:`theorems.satpathi21.lemma1`) and
the adversarial search (:mod:`theorems.satpathi21._lemma1_search`) without either importing the other."""
from __future__ import annotations

import math

import numpy as np

import models.shallow_relu.network as net
from theorems import _tolerance


def _spectrum(X: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``H`` (eq. 9), its smallest eigenvalue, and the eigenvalue's float error bound."""
    H = net.ntk(X)
    lam = float(np.linalg.eigvalsh(H)[0])
    err = _tolerance.eigenvalue_error(H, _tolerance.kernel_entry_error(X.shape[1]))
    return H, lam, err


def lower_constants(X: np.ndarray) -> tuple[float, float, float, float]:
    """``(C_log, C_nolog, lambda_min, theta_min)`` with
    ``C_log = lambda_min(H) sqrt(log(2n) + 1) / ((d+1) theta_min)`` (Lemma 1's lower constant)
    and ``C_nolog = lambda_min(H) / ((d+1) theta_min)``."""
    n, d = X.shape
    _, lam, _ = _spectrum(X)
    theta = net.theta_min(X)
    c_nolog = lam / ((d + 1) * theta)
    return c_nolog * _log_factor(n), c_nolog, lam, theta


def _log_factor(n: int) -> float:
    return math.sqrt(math.log(2 * n) + 1)
