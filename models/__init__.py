"""The mathematics of the papers' models, and nothing about checking them.

Each module is a handful of pure functions over float64 arrays (in the style of
neural-tangents' ``stax``): a model is its forward pass, its closed-form Jacobian and
its kernels, each citing the equation it implements. One subpackage per model family:

- :mod:`models.shallow_relu`  -- Satpathi & Srikant (2021): the one-hidden-layer ReLU network and
  its neural tangent kernel (``theorems/satpathi21``);
- :mod:`models.least_squares` -- Oymak & Soltanolkotabi (2019): nonlinear least-squares problems with
  certified constants, GD and SGD on them (``theorems/oymak19``);
- :mod:`models.skip_resnet`   -- E, Ma, Wang, Wu (2019): the deep network with skip connections, its
  random-feature model and kernel (``theorems/e19``);
- :mod:`models._shared`       -- validation, stable angles, lazy imports (imports no family).
"""
