"""Numerics shared by the model families; imports no family (and nothing heavy).

- :mod:`.validation` -- input checks (``ValueError`` naming the problem), imports nothing of the models;
- :mod:`.angles`     -- stable angles ``2 atan2(||u-v||, ||u+v||)`` and the parallel-points check (uses ``validation``);
- :mod:`.lazy`       -- torch, scipy.stats, mpmath imported at first use.
"""
