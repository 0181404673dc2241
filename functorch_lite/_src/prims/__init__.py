"""The primitives, one block each with all of its rules. Importing this package registers them.

Families: ``elementwise`` (unary and broadcasting binary math, comparisons, select),
``reduce`` (sums, extrema, argmax, cumsum), ``shape`` (broadcast, reshape, transpose, slice,
pad, concatenate, rev, dtype conversion), ``indexing`` (gather, scatter), ``linalg``
(dot_general), ``softmax`` (log_softmax, fused), ``misc`` (stop_gradient).
"""
from . import elementwise, indexing, linalg, reduce, shape, softmax  # noqa: F401  (registration)
