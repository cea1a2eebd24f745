"""A multi-megabyte Slate single page, built from the real OKX error-code fragments.

The real docs-v5 page is one ~5 MB HTML file: hundreds of endpoint sections
(headings, prose, code samples, parameter tables), with the error codes near
the end. The filler reproduces that shape; the error-code sections are the
real fixture fragments, in page order.
"""

from __future__ import annotations

from tests.corpus import FIXTURES, fixture


def _endpoint(i: int) -> str:
    rows = "".join(
        f"<tr><td>param{j}</td><td>String</td><td>{'Yes' if j % 3 else 'No'}</td>"
        f"<td>Description of parameter {j} of endpoint {i}, with <code>inline code</code> and a "
        f"<a href='#x'>link</a>.</td></tr>"
        for j in range(12)
    )
    sample = "\n".join(
        f'  <span class="nl">"field{j}"</span>: <span class="s2">"value {j}"</span>,'
        for j in range(25)
    )
    return (
        f'<h2 id="endpoint-{i}">Endpoint {i}</h2>\n<p>Retrieve the things of endpoint {i}. '
        "Rate limit: 20 requests per 2 seconds. Rate limit rule: UserID. Permission: Read.</p>\n"
        f'<div class="highlight"><pre class="highlight json tab-json"><code>{{\n{sample}\n}}</code></pre></div>\n'
        f'<h4 id="endpoint-{i}-request-parameters">Request Parameters</h4>\n'
        "<table><thead><tr><th>Parameter</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>\n"
    )


def build(target_bytes: int = 5_000_000) -> bytes:
    fixture("okx")  # one clear error when the corpus is missing (ERRATA_SHARED)
    okx = sorted((FIXTURES / "okx").glob("docs-v5-en-error-code-*.html"))
    errors = "".join(p.read_text() for p in okx)
    errors = (
        '<h1 id="error-code">Error Code</h1>\n<h2 id="error-code-rest-api">REST API</h2>\n' + errors
    )
    head = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>OKX API guide</title></head><body>'
        '<div class="toc-wrapper"><ul>'
        + "".join(f'<li><a href="#endpoint-{i}">Endpoint {i}</a></li>' for i in range(400))
        + "</ul></div>"
        '<div class="page-wrapper"><div class="content">'
    )
    tail = '<h1 id="changelog">Changelog</h1><p>…</p></div></div></body></html>'
    sections: list[str] = []
    size = len(head) + len(errors) + len(tail)
    i = 0
    while size < target_bytes:
        section = _endpoint(i)
        sections.append(section)
        size += len(section.encode())
        i += 1
    cut = len(sections) * 9 // 10  # the error codes sit near the end, as on okx.com
    return (head + "".join(sections[:cut]) + errors + "".join(sections[cut:]) + tail).encode()


# --- the same page as Markdown (a Slate site's source, or a text render of the page) ---------


def _endpoint_markdown(i: int) -> str:
    rows = "".join(
        f"| param{j} | String | {'Yes' if j % 3 else 'No'} | Description of parameter {j} of "
        f"endpoint {i}, with `inline code` and a [link](#x). |\n"
        for j in range(12)
    )
    sample = "\n".join(f'  "field{j}": "value {j}",' for j in range(25))
    return (
        f"## Endpoint {i}\n\nRetrieve the things of endpoint {i}. Rate limit: 20 requests per "
        "2 seconds. Rate limit rule: UserID. Permission: Read.\n\n"
        f"```json\n{{\n{sample}\n}}\n```\n\n#### Request Parameters\n\n"
        f"| Parameter | Type | Required | Description |\n|---|---|---|---|\n{rows}\n"
    )


def _errors_markdown() -> str:
    """The OKX error-code fragments as Markdown: their sections as headings, their rows as tables."""
    from errata import parsers

    out = ["# Error Code\n\n## REST API\n\n"]
    shown: list[str] = []
    for path in sorted((FIXTURES / "okx").glob("docs-v5-en-error-code-*.html")):
        last = None
        for entry in parsers.parse("okx", path.read_bytes()):
            if entry.section != last:
                parts = entry.section.split(" > ")
                same = next(
                    (n for n, (a, b) in enumerate(zip(shown, parts, strict=False)) if a != b), None
                )
                keep = min(len(shown), len(parts)) if same is None else same
                out += [
                    f"\n{'#' * (3 + n)} {part}\n\n" for n, part in enumerate(parts) if n >= keep
                ]
                out.append("| Error Code | HTTP Status Code | Error Message |\n|---|---|---|\n")
                shown, last = parts, entry.section
            message = entry.message.replace("|", "\\|").replace("\n", "<br>")
            status = entry.extra.get("HTTP Status Code", "")
            out.append(f"| {entry.code} | {status} | {message} |\n")
    return "".join(out)


def build_markdown(target_bytes: int = 5_000_000) -> bytes:
    """The page of ``build`` as Markdown: the same sections, the error codes near the end."""
    fixture("okx")
    errors = _errors_markdown()
    head = "# OKX API guide\n\n" + "".join(f"- [Endpoint {i}](#endpoint-{i})\n" for i in range(400))
    tail = "\n# Changelog\n\n…\n"
    sections: list[str] = []
    size = len(head) + len(errors.encode()) + len(tail)
    i = 0
    while size < target_bytes:
        section = _endpoint_markdown(i)
        sections.append(section)
        size += len(section.encode())
        i += 1
    cut = len(sections) * 9 // 10
    return (head + "".join(sections[:cut]) + errors + "".join(sections[cut:]) + tail).encode()
