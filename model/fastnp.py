"""numpy functions without their Python wrappers, for the small arrays of a month.

At the default size a month runs a few hundred numpy calls on arrays of about
a thousand rows, so the Python layer around a call (argument checks,
dispatch) can cost more than the work. These give exactly the same results
as the numpy functions they stand for, on the arrays the model passes.
"""

from __future__ import annotations

import numpy as np

try:  # the ufunc behind np.clip (numpy >= 2 keeps it in numpy._core, 1.26 in numpy.core)
    from numpy._core.umath import clip
except ImportError:  # pragma: no cover
    try:
        from numpy.core.umath import clip
    except ImportError:
        clip = np.clip


def flatnonzero(a: np.ndarray) -> np.ndarray:
    """``np.flatnonzero`` of an array."""
    return a.ravel().nonzero()[0]


def mean(a: np.ndarray) -> float:
    """``float(a.mean())`` of a non-empty 1-d bool, int or float array, bit for bit.

    numpy's mean sums (in float64 for bool and int) and divides by the count;
    sums of bools and ints are exact, so a count or an integer sum divided by
    the size is the same float.
    """
    if a.dtype == np.bool_:
        return np.count_nonzero(a) / a.size
    return float(np.add.reduce(a) / a.size)


def add_counts(a: np.ndarray, index: np.ndarray, sign: int = 1) -> None:
    """``np.add.at(a, index, sign)`` for a 1-d integer array ``a`` and valid indices (repeats counted).

    One ``bincount`` instead of ``ufunc.at``, which is slow on small arrays;
    integer sums are exact, so the result is the same.
    """
    if index.size:
        counts = np.bincount(index, minlength=a.size)
        if sign < 0:
            np.subtract(a, counts, out=a, casting="unsafe")
        else:
            np.add(a, counts, out=a, casting="unsafe")
