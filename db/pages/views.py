"""errata's own pages (routes of the plugin): the home page and one page per exchange."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlencode

from datasette.utils.asgi import NotFound, Response  # type: ignore[import-untyped]

from errata.db import charts
from errata.db.links import DATABASE
from errata.db.pages import queries

EXCHANGE_CHARTS = ("codes", "weeks")  # drawn on an exchange's page


async def home(datasette: Any, request: Any) -> Any:
    """``/``: what needs a person, the latest high-severity changes, every exchange."""
    context = await queries.home(datasette.get_database(DATABASE))
    return await _page(datasette, request, "errata_home.html", context)


async def exchange(datasette: Any, request: Any) -> Any:
    """``/-/exchanges/NAME``: one exchange's sources, health, categories, charts and changes."""
    name = unquote(request.url_vars["exchange"])
    context = await queries.exchange(datasette.get_database(DATABASE), name)
    if context is None:
        raise NotFound(f"errata watches no page of an exchange called {name!r}")
    context["charts"] = _charts(datasette, request, context["exchange"])
    return await _page(datasette, request, "errata_exchange.html", context)


def _charts(datasette: Any, request: Any, exchange: str) -> dict[str, Any]:
    """The dashboard's charts for one exchange, as datasette-dashboards' ``renderChart`` takes them.

    The template hands each to the script through ``tojson``, which escapes
    ``<``, ``>``, ``&`` and quotes, so no value can end the ``<script>``.
    """
    every = charts.charts()
    return {
        "charts": {slug: charts.for_exchange(every[slug]) for slug in EXCHANGE_CHARTS},
        "query_string": urlencode({"exchange": exchange}),
        "absolute_url": datasette.absolute_url(request, datasette.urls.instance()),
    }


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Any:
    # "database" makes the plugin's template variables load each source's page and exchange.
    html = await datasette.render_template(
        template, {"database": DATABASE, **context}, request=request
    )
    return Response.html(html)
