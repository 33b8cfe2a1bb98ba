"""How far apart two amounts may be and still agree: a typed tolerance of a rule.

* ``Fixed(amount)`` — a fixed amount in the rule's unit (``0.01`` 万元).
* ``HalfUnit()`` — half a unit of the printed precision of the figures compared (86.19 → 0.005): a
  rate or an amount the form rounded when it printed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Fixed:
    amount: Decimal

    def __post_init__(self) -> None:
        if not self.amount.is_finite() or self.amount < 0:
            raise ValueError(f"a tolerance is a finite amount of 0 or more, not {self.amount}")


@dataclass(frozen=True, slots=True)
class HalfUnit:
    pass


Tolerance = Fixed | HalfUnit
EXACT = Fixed(Decimal(0))


def half_unit(value: Decimal) -> Decimal:
    """Half a unit of the printed precision: 86.19 → 0.005, 132.912 → 0.0005, 20 → 0.5."""
    exponent = value.as_tuple().exponent
    return Decimal(5).scaleb(int(exponent) - 1) if isinstance(exponent, int) else Decimal(0)


def allowance(tolerance: Tolerance, *printed: Decimal) -> Decimal:
    """The difference allowed: the fixed amount, or half a unit of the coarsest of the printed figures."""
    if isinstance(tolerance, Fixed):
        return tolerance.amount
    return max((half_unit(v) for v in printed), default=Decimal(0))


def stated(tolerance: Tolerance) -> Decimal | None:
    """The tolerance as a record states it before any figure is known (None: it depends on the figures)."""
    return tolerance.amount if isinstance(tolerance, Fixed) else None
