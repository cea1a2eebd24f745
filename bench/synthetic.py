"""Words for synthetic error messages, shared by the benchmarks."""

from __future__ import annotations

import random

WORDS = [
    "invalid",
    "order",
    "price",
    "size",
    "symbol",
    "account",
    "balance",
    "margin",
    "request",
    "parameter",
    "limit",
    "exceeded",
]


def sentence(rng: random.Random, low: int = 3, high: int = 12) -> str:
    """A message-like string of ``low`` to ``high`` words."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
