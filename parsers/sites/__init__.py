"""Site parsers: small modules that know one documentation site's habits."""

from errata.parsers.sites import kucoin, okx, oxfun, tickdb

__all__ = ["kucoin", "okx", "oxfun", "tickdb"]
