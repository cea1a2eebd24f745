"""The charts over time, as a datasette-dashboards dashboard: plain data, no Datasette import.

datasette-dashboards (a maintained plugin that bundles Vega, Vega-Lite and
vega-embed, so charts draw with no network) reads its dashboards from
Datasette's metadata under ``plugins``; ``db.metadata.metadata()`` puts
``dashboards()`` there. Each chart is one read-only SQL query over the
``m009_reading_views`` views and a Vega-Lite spec. ``[[ … ]]`` is the
plugin's optional clause: kept when the ``exchange`` filter is set, dropped
otherwise, so one chart serves the dashboard and every exchange's page.

Only counts, dates, kinds and exchange names reach a chart, never page text:
the plugin's table and metric charts write values as HTML, so they are not used.
"""

from __future__ import annotations

from typing import Any

from errata.db.links import DASHBOARD, DATABASE

KIND_ORDER = [
    "added", "removed", "reworded", "moved", "renumbered", "deprecated", "section_renamed",
    "detail_changed",
]  # fmt: skip

_CODES = """
SELECT exchange, observed_at, codes FROM codes_over_time
WHERE 1 = 1 [[ AND exchange = :exchange ]]
ORDER BY exchange, observed_at"""

_WEEKS = """
SELECT week, kind, sum(changes) AS changes FROM changes_per_week
WHERE 1 = 1 [[ AND exchange = :exchange ]]
GROUP BY week, kind ORDER BY week, kind"""

_CATEGORIES = """
SELECT exchange, category, sum(codes) AS codes FROM category_summary
WHERE 1 = 1 [[ AND exchange = :exchange ]]
GROUP BY exchange, category ORDER BY exchange, codes DESC"""

_EXCHANGES = "SELECT DISTINCT exchange FROM sources ORDER BY exchange"
_YEARS = {"format": "%b %Y", "labelOverlap": True}
# vega-embed's options, read from the spec: SVG (marks a test can count, crisp in
# screenshots) and no action menu (its "open in editor" would leave the site).
_EMBED = {"renderer": "svg", "actions": False}


def _codes_spec() -> dict[str, Any]:
    return {
        "mark": {"type": "line", "interpolate": "step-after", "point": True},
        "encoding": {
            "x": {"field": "observed_at", "type": "temporal", "title": None, "axis": _YEARS},
            "y": {"field": "codes", "type": "quantitative", "title": "codes documented"},
            "color": {"field": "exchange", "type": "nominal", "title": "exchange"},
            "tooltip": [
                {"field": "exchange", "type": "nominal"},
                {"field": "observed_at", "type": "temporal", "title": "read"},
                {"field": "codes", "type": "quantitative"},
            ],
        },
    }


def _weeks_spec() -> dict[str, Any]:
    return {
        # A bar per Monday, on a time axis: quiet weeks stay visible as gaps.
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "week", "type": "temporal", "title": None, "axis": _YEARS},
            "y": {"field": "changes", "type": "quantitative", "title": "changes"},
            "color": {
                "field": "kind",
                "type": "nominal",
                "scale": {"domain": KIND_ORDER, "scheme": "category10"},
                "title": "kind",
            },
        },
    }


def _categories_spec() -> dict[str, Any]:
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "exchange", "type": "nominal", "title": None},
            "x": {"field": "codes", "type": "quantitative", "title": "codes documented now"},
            "color": {"field": "category", "type": "nominal", "title": "category"},
        },
    }


def charts() -> dict[str, dict[str, Any]]:
    """Every chart by slug (the slug is also its element id on a page)."""

    def chart(title: str, query: str, spec: dict[str, Any]) -> dict[str, Any]:
        display = {**spec, "usermeta": {"embedOptions": _EMBED}}
        return {"title": title, "db": DATABASE, "query": query.strip(), "library": "vega-lite", "display": display}  # fmt: skip

    return {
        "codes": chart("Codes documented per exchange", _CODES, _codes_spec()),
        "weeks": chart("Changes per week, by kind", _WEEKS, _weeks_spec()),
        "categories": chart("Codes by category, now", _CATEGORIES, _categories_spec()),
    }


def for_exchange(chart: dict[str, Any]) -> dict[str, Any]:
    """A chart with its optional ``[[ … ]]`` clauses kept: the page passes ``exchange`` itself."""
    query = str(chart["query"]).replace("[[", "").replace("]]", "")
    return {**chart, "query": query}


def dashboards() -> dict[str, Any]:
    """The ``datasette-dashboards`` plugin configuration."""
    return {
        DASHBOARD: {
            "title": "errata over time",
            "description": "Codes each exchange documents, and what changed week by week. "
            "Pick an exchange to see its own.",
            "layout": [["codes", "codes"], ["weeks", "categories"]],
            "filters": {
                "exchange": {
                    "name": "Exchange",
                    "type": "select",
                    "db": DATABASE,
                    "query": _EXCHANGES,
                },
            },
            "charts": charts(),
        }
    }
