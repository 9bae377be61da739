"""Exact share thresholds for the fractions Nanda Town files give as floats (0.667, 0.5).

A float share is read as the decimal the file wrote (``Fraction(repr(x))``), so ``0.667`` is
667/1000 and "at least 2/3 of 19" never depends on binary rounding.
"""

from __future__ import annotations

from fractions import Fraction


def share(value: float) -> Fraction:
    return Fraction(repr(float(value)))


def reaches(part: int, whole: int, fraction: float) -> bool:
    """``part / whole >= fraction`` exactly; False when ``whole`` is 0."""
    f = share(fraction)
    return whole > 0 and part * f.denominator >= f.numerator * whole


def min_count(whole: int, fraction: float) -> int:
    """The smallest count ``k`` with ``k / whole >= fraction``."""
    f = share(fraction)
    return -(-whole * f.numerator // f.denominator)
