"""The mathematics of the papers' models, and nothing about checking them.

Each module is a handful of pure functions over float64 arrays (in the style of
neural-tangents' ``stax``): a model is its forward pass, its closed-form Jacobian and
its kernels, each citing the equation it implements.

- :mod:`models.shallow_relu` -- Satpathi & Srikant (2021), the one-hidden-layer ReLU
  network with fixed output signs and its neural tangent kernel, eq. (9).
- :mod:`models.validation`   -- input checks shared by the models (``ValueError`` naming
  the problem).
"""
