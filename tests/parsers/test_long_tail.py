"""Layouts of exchanges errata was never tuned for, rule by rule, with the prose that must
stay prose beside each rule. The whole pages, with their histories, are the exchange
probes in ``tests/fixtures/patterns`` (see test_patterns.py).
"""

from __future__ import annotations

import pytest

from errata.parsers import parse


def read(text: str, parser: str = "auto") -> list[tuple[str, str, str]]:
    return [(e.code, e.message, e.section) for e in parse(parser, text)]


GATE = (
    "## label list\n\n- Authentication related\n\n| label | Meaning |\n|---|---|\n"
    "| INVALID_KEY | Invalid API Key |\n| READ_ONLY | API key is read-only |\n\n"
    "- Server errors\n\n| label | Meaning |\n|---|---|\n| INTERNAL | Internal server error |\n"
    "| TOO_BUSY | Server is too busy at the moment |\n"
)


@pytest.mark.parametrize(
    "page",
    [
        GATE,
        "<h2>label list</h2><ul><li>Authentication related</li></ul><table><tr><th>label</th>"
        "<th>Meaning</th></tr><tr><td>INVALID_KEY</td><td>Invalid API Key</td></tr><tr>"
        "<td>READ_ONLY</td><td>API key is read-only</td></tr></table><ul><li>Server errors</li>"
        "</ul><table><tr><th>label</th><th>Meaning</th></tr><tr><td>INTERNAL</td><td>Internal "
        "server error</td></tr><tr><td>TOO_BUSY</td><td>Server is too busy at the moment</td>"
        "</tr></table>",
    ],
    ids=["markdown", "html"],
)
def test_label_tables_under_a_lone_bullet_are_read_with_the_bullet_as_caption(page: str) -> None:
    assert read(page) == [
        ("INVALID_KEY", "Invalid API Key", "label list > Authentication related"),
        ("READ_ONLY", "API key is read-only", "label list > Authentication related"),
        ("INTERNAL", "Internal server error", "label list > Server errors"),
        ("TOO_BUSY", "Server is too busy at the moment", "label list > Server errors"),
    ]


@pytest.mark.parametrize(
    "before",
    [
        "- Rate limits apply.\n",  # a sentence
        "- One\n- Two\n",  # the end of a longer list
        "- 10001: Parameter error\n",  # a code item
    ],
    ids=["sentence", "longer-list", "code-item"],
)
def test_only_a_lone_short_item_becomes_a_caption(before: str) -> None:
    page = f"## Errors\n\n{before}\n| Code | Message |\n|---|---|\n| 20001 | Bad symbol |\n"
    assert ("20001", "Bad symbol", "Errors") in read(page)


KRAKEN_TABLE = (
    "## Example API Errors\n\n| Error | Additional Info |\n|---|---|\n"
    "| EGeneral:Invalid arguments | The request payload is malformed |\n"
    "| EGeneral:Invalid arguments:Index unavailable | Index pricing is unavailable |\n"
    "| EOrder:Positions limit exceeded | |\n| EBM:limit exceeded:CAL | Exceeded Canadian Acquisition Limits (CAL) |\n"
)
KRAKEN_LIST = (
    "## Example API Errors\n\n"
    "- `EGeneral:Invalid arguments`: The request payload is malformed\n"
    "- `EGeneral:Invalid arguments:Index unavailable`: Index pricing is unavailable\n"
    "- `EOrder:Positions limit exceeded`\n"
    "- `EBM:limit exceeded:CAL`: Exceeded Canadian Acquisition Limits (CAL)\n"
)


@pytest.mark.parametrize("page", [KRAKEN_TABLE, KRAKEN_LIST], ids=["table", "list"])
def test_prefixed_codes_keep_their_spaces_and_colons(page: str) -> None:
    section = "Example API Errors"
    assert read(page) == [
        ("EGeneral:Invalid arguments", "The request payload is malformed", section),
        ("EGeneral:Invalid arguments:Index unavailable", "Index pricing is unavailable", section),
        ("EOrder:Positions limit exceeded", "", section),
        ("EBM:limit exceeded:CAL", "Exceeded Canadian Acquisition Limits (CAL)", section),
    ]


def test_an_error_header_is_the_message_beside_a_code_header() -> None:
    page = "| Code | Error |\n|---|---|\n| 10001 | Invalid order |\n| 10002 | Unknown symbol |\n"
    assert [e[:2] for e in read(page)] == [("10001", "Invalid order"), ("10002", "Unknown symbol")]


@pytest.mark.parametrize(
    "item",
    [
        "- Note: retry after a second",
        "- Tip:use the sandbox first",
        "- Step 1:Sign the request",
        "- Warning: EOrder:Insufficient funds may also mean a frozen account.",
    ],
)
def test_prose_items_with_colons_are_no_prefixed_codes(item: str) -> None:
    assert read(f"## Errors\n\n{item}\n- Another note\n") == []


KRAKEN_FUTURES = [
    "## Errors\n\n- `apiLimitExceeded`: The API limit has been exceeded.\n"
    "- `notFound`: The requested information could not be found.\n"
    "- `Server Error`: There was an error processing the request.\n",
    "## Errors\n\n**apiLimitExceeded**: The API limit has been exceeded.\n\n"
    "**notFound**: The requested information could not be found.\n\n"
    "**Server Error**: There was an error processing the request.\n",
    "<h2>Errors</h2><dl><dt><code>apiLimitExceeded</code></dt><dd>The API limit has been "
    "exceeded.</dd><dt><code>notFound</code></dt><dd>The requested information could not be "
    "found.</dd><dt><code>Server Error</code></dt><dd>There was an error processing the "
    "request.</dd></dl>",
    "<h2>Errors</h2><p><strong>apiLimitExceeded</strong>: The API limit has been exceeded.</p>"
    "<p><strong>notFound</strong>: The requested information could not be found.</p>"
    "<p><strong>Server Error</strong>: There was an error processing the request.</p>",
]


@pytest.mark.parametrize(
    "page", KRAKEN_FUTURES, ids=["md-list", "md-bold-paragraphs", "html-dl", "html-bold"]
)
def test_string_codes_the_page_marks_as_code_are_read(page: str) -> None:
    assert read(page) == [
        ("apiLimitExceeded", "The API limit has been exceeded.", "Errors"),
        ("notFound", "The requested information could not be found.", "Errors"),
        ("Server Error", "There was an error processing the request.", "Errors"),
    ]


@pytest.mark.parametrize(
    "page",
    [
        # the same items, not marked as code
        "## Errors\n\n- apiLimitExceeded: The API limit has been exceeded.\n"
        "- notFound: The requested information could not be found.\n",
        # a field list: marked, but words, not identifiers
        "## Errors\n\n- `label`: denotes the error type.\n- `message`: a detailed message.\n",
        # one marked item alone is no list of codes
        "## Errors\n\n- `orderId`: the order the error is about.\n\nMore prose.\n",
        # prose paragraphs that start with a word and a colon
        "## Errors\n\n**Important:** error types can be added over time.\n\n"
        "Note: match on the code, never on the message.\n",
        # the values of an option and the fields of a message (OX.FUN, KuCoin), not errors
        "## Self Trade Prevention Modes\n\n`NONE` - has no protection.\n\n"
        "`EXPIRE_MAKER` - cancels the resting order.\n\n`EXPIRE_TAKER` - cancels the aggressing order.\n",
        "## Create connection\n\n**connectId**: the connection id.\n\n"
        "**acceptUserMessage**: if true, user messages are received.\n",
    ],
    ids=["unmarked", "field-list", "alone", "prose", "option-values", "fields"],
)
def test_unmarked_or_prose_items_stay_prose(page: str) -> None:
    assert read(page) == []


@pytest.mark.parametrize(
    ("cell", "codes", "name"),
    [
        ("0 or absent", ["0"], None),
        ("400 or 401", ["400", "401"], None),
        ("429 Too Many Requests", ["429"], "Too Many Requests"),
    ],
)
def test_what_follows_a_code_in_its_cell(cell: str, codes: list[str], name: str | None) -> None:
    page = f"| Error Code | Description |\n|---|---|\n| {cell} | Something happened |\n| 1 | x |\n"
    entries = parse("auto", page)[: len(codes)]
    assert [e.code for e in entries] == codes
    assert {e.extra.get("name") for e in entries} == {name}


def test_a_short_message_column_is_the_message_and_the_description_a_detail() -> None:
    page = (
        "| Error Code | Short message | Description |\n|---|---|---|\n"
        '| 10009 | "not_enough_funds" | Account has not enough funds for the operation. |\n'
    )
    (entry,) = parse("auto", page)
    assert (entry.message, dict(entry.extra)) == (
        '"not_enough_funds"',
        {"Description": "Account has not enough funds for the operation."},
    )


def test_names_beside_prose_leave_the_message_to_the_prose() -> None:
    """Bitfinex's ``Code | Error | Description``; a column headed "Message" keeps the message."""
    names = "| Code | Error | Description |\n|---|---|---|\n| 10000 | ERR_UNK | Unknown error |\n"
    (entry,) = parse("auto", names)
    assert (entry.message, dict(entry.extra)) == ("Unknown error", {"Error": "ERR_UNK"})
    message = names.replace("| Error |", "| Error Message |")
    (entry,) = parse("auto", message)
    assert (entry.message, dict(entry.extra)) == ("ERR_UNK", {"Description": "Unknown error"})


@pytest.mark.parametrize("parser", ["auto", "html"])
def test_a_hidden_header_table_reads_its_first_row_as_the_header(parser: str) -> None:
    page = (
        '<table data-header-hidden><thead><tr><th width="167"></th><th></th></tr></thead><tbody>'
        "<tr><td><strong>Error Code</strong></td><td><strong>Description</strong></td></tr>"
        "<tr><td>-1000</td><td>An unknown error occurred.</td></tr>"
        "<tr><td>-1001</td><td>Internal error.</td></tr></tbody></table>"
    )
    assert [e[:2] for e in read(page, parser)] == [
        ("-1000", "An unknown error occurred."),
        ("-1001", "Internal error."),
    ]


@pytest.mark.parametrize(
    ("page", "codes"),
    [
        (
            "## Errors\n\n### 400 Bad Request\n\n| Error name | Description |\n|---|---|\n"
            "| create_ask_error | Failed to create the order |\n| validation_error | Invalid parameters |\n",
            ["create_ask_error", "validation_error"],
        ),
        (
            "## Errors\n\n### 400 Bad Request\n\n#### 40001\n\nFailed to create the order\n\n"
            "#### 40002\n\nInvalid parameters\n",
            ["40001", "40002"],
        ),
    ],
    ids=["table", "headings"],
)
def test_a_status_heading_over_codes_is_their_section_not_a_code(
    page: str, codes: list[str]
) -> None:
    section = "Errors > 400 Bad Request"
    assert read(page) == [
        (codes[0], "Failed to create the order", section),
        (codes[1], "Invalid parameters", section),
    ]


def test_a_code_heading_over_prose_and_examples_stays_a_code() -> None:
    page = (
        "## Errors\n\n### 10001 Parameter error\n\nA parameter is missing.\n\n#### Example\n\n"
        "| Field | Type |\n|---|---|\n| symbol | string |\n"
    )
    assert read(page) == [("10001", "A parameter is missing.", "Errors")]


@pytest.mark.parametrize(
    ("header", "rows", "codes"),
    [
        ("Reason | Meaning", ["InsufficientFunds | Not enough funds", "NoSSL | Use HTTPS"],
         ["InsufficientFunds", "NoSSL"]),
        ("Reason | Meaning", ["The key was wrong | Check it", "The order was late | Retry"], []),
        ("HTTP Status | Reason", ["400 | Bad request", "401 | Unauthorized"], ["400", "401"]),
        ("Code | Description", ["0x01 | Bad key", "0x1f | Bad signature"], ["0x01", "0x1f"]),
        ("Error Code (int) | Message (en)", ["10001 | Bad key", "10002 | Bad sig"],
         ["10001", "10002"]),
        ("错误码 / Error Code | 错误信息 / Message", ["10001 | 参数错误", "10002 | 签名错误"],
         ["10001", "10002"]),
        ("message_code | message_string", ["ERR-5003 | Requests are too many.",
         "ERR-5106 | Invalid request parameter."], ["ERR-5003", "ERR-5106"]),
        ("Status | Meaning | Description | Schema", ["200 | OK | Success | Inline",
         "400 | Bad Request | Invalid request | None"], []),
        ("Error type | Error string", ["Tick | Price must be divisible by tick size.",
         "PerpMargin | Insufficient margin to place order."], ["Tick", "PerpMargin"]),
    ],
    ids=[
        "reason-codes", "reason-prose", "reason-message", "hex", "noted", "bilingual", "gmo",
        "openapi-responses", "type-and-string",
    ],
)  # fmt: skip
def test_which_column_holds_the_codes(header: str, rows: list[str], codes: list[str]) -> None:
    page = "\n".join([f"| {header} |", "|---|---|", *(f"| {row} |" for row in rows)]) + "\n"
    assert [e.code for e in parse("auto", page)] == codes


RATE_LIMIT_NOTES = (
    "## Rate Limits\n\n### Errors\n\n"
    '* "EAPI:Rate limit exceeded" if the REST API counter exceeds the user\'s maximum.\n'
    '* "EService: Throttled: [UNIX timestamp]" if there are too many concurrent requests.\n'
    '* "EOrder:Orders limit exceeded" if the number of open orders in a pair is exceeded\n'
)


@pytest.mark.parametrize(
    "errors",
    [
        "| Error | Additional Info |\n|---|---|\n| EOrder:Orders limit exceeded | (See Rate Limits) |\n",
        "- `EOrder:Orders limit exceeded`: (See Rate Limits)\n",
    ],
    ids=["table", "list"],
)
def test_a_quoted_code_is_a_mention_unless_nothing_else_gives_it(errors: str) -> None:
    page = f"## Example API Errors\n\n{errors}\n{RATE_LIMIT_NOTES}"
    assert [(e.code, e.section) for e in parse("auto", page)] == [
        ("EOrder:Orders limit exceeded", "Example API Errors"),
        ("EAPI:Rate limit exceeded", "Rate Limits > Errors"),
    ]


def test_a_converted_docs_page_keeps_no_hash_links_in_its_headings() -> None:
    """An HTML-to-Markdown copy of a Docusaurus page keeps each heading's hash link as ``[](…)``."""
    page = (
        "## 10xx - General issues[](/docs/errors#10xx "
        '"Direct link to 10xx - General issues")\n\n'
        '### -1000 UNKNOWN[](/docs/errors#-1000-unknown "Direct link to -1000 UNKNOWN")\n\n'
        "  * An unknown error occurred while processing the request.\n"
    )
    (entry,) = parse("auto", page)
    assert (entry.section, dict(entry.extra)) == ("10xx - General issues", {"name": "UNKNOWN"})


TAB_TABLES = {
    "mdx": (
        '## Spot Margin Trade\n\n<Tabs>\n<TabItem value="uta" label="Unified account" default>\n\n'
        "|Code |Description |\n|:--|:--|\n|176002 |Query user account info error |\n"
        "|176003 |Query user loan info error |\n\n</TabItem>\n"
        '<TabItem value="classic" label="Classic account">\n\n'
        "|Code |Description |\n|:--|:--|\n|176002 |Query user account info error |\n"
        "|176010 |Failed to locate the coins to borrow |\n\n</TabItem>\n</Tabs>\n\n"
        "Codes outside the tabs:\n\n- 176099: After the tabs\n"
    ),
    "gitbook": (
        '## Spot Margin Trade\n\n{% tabs %}\n{% tab title="Unified account" %}\n'
        "| Code | Description |\n|---|---|\n| 176002 | Query user account info error |\n"
        "| 176003 | Query user loan info error |\n{% endtab %}\n\n"
        '{% tab title="Classic account" %}\n| Code | Description |\n|---|---|\n'
        "| 176002 | Query user account info error |\n"
        "| 176010 | Failed to locate the coins to borrow |\n{% endtab %}\n{% endtabs %}\n\n"
        "Codes outside the tabs:\n\n- 176099: After the tabs\n"
    ),
    "mintlify": (
        '## Spot Margin Trade\n\n<Tabs>\n  <Tab title="Unified account">\n'
        "| Code | Description |\n|---|---|\n| 176002 | Query user account info error |\n"
        '| 176003 | Query user loan info error |\n  </Tab>\n  <Tab title="Classic account">\n'
        "| Code | Description |\n|---|---|\n| 176002 | Query user account info error |\n"
        "| 176010 | Failed to locate the coins to borrow |\n  </Tab>\n</Tabs>\n\n"
        "Codes outside the tabs:\n\n- 176099: After the tabs\n"
    ),
    "docusaurus-html": (
        '<h2>Spot Margin Trade</h2><div class="tabs-container"><ul role="tablist" class="tabs">'
        '<li role="tab" aria-selected="true">Unified account</li><li role="tab">Classic account'
        '</li></ul><div class="margin-top--md"><div role="tabpanel"><table><thead><tr><th>Code</th>'
        "<th>Description</th></tr></thead><tbody><tr><td>176002</td><td>Query user account info error"
        "</td></tr><tr><td>176003</td><td>Query user loan info error</td></tr></tbody></table></div>"
        '<div role="tabpanel" hidden=""><table><thead><tr><th>Code</th><th>Description</th></tr>'
        "</thead><tbody><tr><td>176002</td><td>Query user account info error</td></tr><tr><td>176010"
        "</td><td>Failed to locate the coins to borrow</td></tr></tbody></table></div></div></div>"
        "<p>Codes outside the tabs:</p><ul><li>176099: After the tabs</li></ul>"
    ),
}


@pytest.mark.parametrize("page", list(TAB_TABLES.values()), ids=list(TAB_TABLES))
def test_each_tab_is_a_section_under_its_heading(page: str) -> None:
    unified, classic = "Spot Margin Trade > Unified account", "Spot Margin Trade > Classic account"
    assert [(code, section) for code, _, section in read(page)] == [
        ("176002", unified),
        ("176003", unified),
        ("176002", classic),
        ("176010", classic),
        ("176099", "Spot Margin Trade"),
    ]


def test_a_tab_without_a_label_is_named_by_its_value_and_liquid_tags_are_no_prose() -> None:
    page = (
        '## Errors\n\n{% hint style="info" %}\nMatch on the code.\n{% endhint %}\n\n<Tabs>\n'
        '<TabItem value="spot">\n\n| Code | Message |\n|---|---|\n| 1 | a |\n\n</TabItem>\n</Tabs>\n'
        "\n### 10001\n\n{% hint %}\nThe key is wrong.\n{% endhint %}\n"
    )
    assert read(page) == [("1", "a", "Errors > spot"), ("10001", "The key is wrong.", "Errors")]


@pytest.mark.parametrize(
    "page",
    [
        # the names are set as code in the prose above, but the items start plain
        "## Errors\n\nSee `apiLimitExceeded` and `notFound` in the glossary.\n\n"
        "- apiLimitExceeded: The API limit has been exceeded.\n"
        "- notFound: The requested information could not be found.\n",
        "<h2>Errors</h2><p>See <code>apiLimitExceeded</code> and <code>notFound</code>.</p><ul>"
        "<li>apiLimitExceeded: The API limit has been exceeded.</li><li>notFound: The requested "
        "information could not be found.</li></ul>",
        # marked, but not where the item starts
        "## Errors\n\n- apiLimitExceeded: see `apiLimitExceeded`.\n- notFound: see `notFound`.\n",
    ],
    ids=["markdown-elsewhere", "html-elsewhere", "marked-later-in-the-item"],
)
def test_only_the_token_an_item_starts_with_counts_as_marked(page: str) -> None:
    assert read(page) == []


@pytest.mark.parametrize(
    "page",
    [
        "## Errors\n\n- [`apiLimitExceeded`](#limits): The API limit has been exceeded.\n"
        "- __notFound__: The requested information could not be found.\n",
        "<h2>Errors</h2><ul><li> <b>apiLimitExceeded</b>: The API limit has been exceeded.</li>"
        "<li><code>notFound</code> - The requested information could not be found.</li></ul>",
        "## Errors\n\n`apiLimitExceeded`\n: The API limit has been exceeded.\n\n"
        "`notFound`\n: The requested information could not be found.\n",
    ],
    ids=["markdown-link-and-underscores", "html-b-and-code", "markdown-definitions"],
)
def test_a_leading_code_span_or_bold_token_marks_the_code(page: str) -> None:
    assert [e[:2] for e in read(page)] == [
        ("apiLimitExceeded", "The API limit has been exceeded."),
        ("notFound", "The requested information could not be found."),
    ]


BOLD_TITLES = {
    "markdown": (
        "# Error Codes\n\n## 10xx - General issues\n\n**-1000 UNKNOWN**\n\n  * An unknown error occurred.\n\n"
        "**-1001 DISCONNECTED**\n\n  * Internal error.\n  * Try again later.\n\n"
        "**-1002 UNAUTHORIZED**\n\nYou are not authorized.\n\n**Important:** codes are universal.\n"
    ),
    "html": (
        "<h1>Error Codes</h1><h2>10xx - General issues</h2><p><strong>-1000 UNKNOWN</strong></p><ul><li>An unknown "
        "error occurred.</li></ul><p><b>-1001 DISCONNECTED</b></p><ul><li>Internal error.</li><li>"
        "Try again later.</li></ul><p> <strong>-1002 UNAUTHORIZED</strong> </p><p>You are not "
        "authorized.</p><p><strong>Important:</strong> codes are universal.</p>"
    ),
}


@pytest.mark.parametrize("page", list(BOLD_TITLES.values()), ids=list(BOLD_TITLES))
def test_bold_lines_that_name_codes_are_per_code_titles(page: str) -> None:
    section = "Error Codes > 10xx - General issues"
    assert [(e.code, e.message, e.section, dict(e.extra)) for e in parse("auto", page)] == [
        ("-1000", "An unknown error occurred.", section, {"name": "UNKNOWN"}),
        ("-1001", "Internal error.", section, {"name": "DISCONNECTED"}),
        ("-1001", "Try again later.", section, {"name": "DISCONNECTED"}),
        ("-1002", "You are not authorized.", section, {"name": "UNAUTHORIZED"}),
    ]


@pytest.mark.parametrize(
    "page",
    [
        # one bold line alone is emphasis, not a run of titles
        "## Errors\n\n**10 seconds**\n\nWait before retrying.\n",
        # bold that is only part of the paragraph
        "## Errors\n\n**400** means the request was bad.\n\n**401** means no key.\n",
        # titles outside any section or page about errors
        "## Limits\n\n**100 requests**\n\nPer second.\n\n**200 orders**\n\nPer minute.\n",
        # a bold line over a table names the table
        "## Errors\n\n**400 Bad Request**\n\n| Code | Message |\n|---|---|\n| 40001 | Bad |\n\n"
        "**401 Unauthorized**\n\n| Code | Message |\n|---|---|\n| 40101 | No key |\n",
    ],
    ids=["alone", "part-bold", "not-about-errors", "over-tables"],
)
def test_bold_prose_is_no_code_title(page: str) -> None:
    assert [e.code for e in parse("auto", page)] in ([], ["40001", "40101"])


@pytest.mark.parametrize(
    ("headings", "codes", "names"),
    [
        ("### Error 10001\n\nBad sign.\n\n### Error 10002\n\nBad key.\n", ["10001", "10002"], [None, None]),
        ("### Error code: 10001 - Invalid sign\n\nBad sign.\n\n### Error code: 10002 - Invalid key\n\nBad key.\n",
         ["10001", "10002"], ["Invalid sign", "Invalid key"]),
        ("### Invalid sign (10001)\n\nBad sign.\n\n### Invalid key (10002)\n\nBad key.\n",
         ["10001", "10002"], ["Invalid sign", "Invalid key"]),
        ("#### 10001 - Invalid sign\n\nBad sign.\n\n#### 10002 - Invalid key\n\nBad key.\n",
         ["10001", "10002"], ["Invalid sign", "Invalid key"]),
        # a lone parenthesised number is a date or a version, not a code
        ("### Changes (2024)\n\nNew codes were added.\n", [], []),
    ],
    ids=["error-prefix", "error-code-prefix-and-name", "name-then-code", "code-dash-name", "lone"],
)  # fmt: skip
def test_code_headings_of_other_shapes(
    headings: str, codes: list[str], names: list[str | None]
) -> None:
    entries = parse("auto", f"## Errors\n\n{headings}")
    assert [e.code for e in entries] == codes
    assert [e.extra.get("name") for e in entries] == names
    assert [e.message for e in entries] == ["Bad sign.", "Bad key."][: len(codes)]
