"""Finding the code and message columns of a table by their headers.

Real tables put the code first, second (after an HTTP status) or anywhere
else, and call the message "Message", "Meaning", "Reason Text",
"Description" or "错误消息". Each header is scored; the best code header and
the best message header win, and every other column is kept as ``extra``.
Headers are matched whole (after normalisation), never by substring, so a
"Currency Code" column in a parameter table is not mistaken for error codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from errata.parsers.text import clean_code, collapse

_CODE_HEADERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "code", "codes", "error code", "error codes", "err code", "errcode", "errorcode",
            "error id", "error no", "errno", "error number", "ret code", "retcode",
            "return code", "result code", "response code", "api code", "business code",
            "biz code", "external code", "internal code", "system code", "system error code",
            "sub code", "subcode", "错误码", "错误代码", "错误编码", "错误编号", "代码", "返回码",
            "编码", "錯誤碼", "錯誤代碼", "錯誤編碼", "錯誤編號", "代碼", "返回碼", "コード",
            "エラーコード", "오류 코드", "에러 코드", "코드",
        ],
        3,
    ),
    **dict.fromkeys(
        [
            "status code", "reason code", "close code", "event code", "状态码", "狀態碼",
            "label", "error label", "message code", "msg code", "message id",
        ],
        2,
    ),
    **dict.fromkeys(
        ["http status", "http status code", "http code", "http error code", "status",
         "http 状态码", "http状态码"],
        1,
    ),
}  # fmt: skip

# Headers that name the code column only when no header above does, and only beside a
# message-like header (or as one of two columns): "Error | Additional Info" (Kraken), where
# "Error" holds ``EGeneral:Invalid arguments``, or "Reason | Meaning" (Gemini), where
# "Reason" holds ``InsufficientFunds``; next to a "Code" column, either is the message.
_WEAK_CODE_HEADERS: dict[str, int] = dict.fromkeys(
    ["error", "errors", "error name", "error type", "error key", "reason", "error reason"], 1
)

_MESSAGE_HEADERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "message", "error message", "msg", "error msg", "err msg", "errmsg",
            "error_message", "message text", "message string", "messages", "short message",
            "错误消息", "错误信息", "错误提示",
            "提示信息", "錯誤訊息", "錯誤消息", "錯誤信息", "消息", "信息", "メッセージ",
            "エラーメッセージ", "메시지", "오류 메시지",
        ],
        3,
    ),
    **dict.fromkeys(
        [
            "meaning", "reason", "reason text", "reason phrase", "text", "error text",
            "error string",
            "error", "error description", "error reason", "含义", "含義", "文案", "原因",
            "context", "error context", "cause", "error cause", "错误描述", "錯誤描述", "错误说明",
            "錯誤說明", "错误原因", "錯誤原因", "訊息", "提示", "錯誤提示",
        ],
        2,
    ),
    **dict.fromkeys(
        [
            "description", "desc", "details", "detail", "explanation", "remark", "remarks",
            "note", "notes", "comment", "comments", "说明", "說明", "描述", "备注", "備註",
            "解释", "説明",
        ],
        1,
    ),
}  # fmt: skip

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_PARENTHESISED = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]")
_HEADER_PARTS = re.compile(r"\s*[/／|]\s*")

# A code as docs print them: 0, -1013, 05001, 400100, E1001, ERR-102, AMBIGUOUS_SYMBOL.
CODE_SHAPE = re.compile(r"-?\d{1,10}|[A-Za-z]{1,6}[-_]?\d{2,10}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


# ``Prefix:Words``: Kraken's ``EGeneral:Invalid arguments``, ``EBM:limit exceeded:CAL``. The
# colon is never followed by a space, as it always is in prose; the words may hold spaces.
# The prefix is an identifier, not a word: it has a second capital (``EOrder``, ``EAPI``).
PREFIXED = re.compile(
    r"[A-Z][a-z]{0,20}[A-Z][A-Za-z]{0,20}(?::[A-Za-z0-9_](?:[\w ./'-]{0,62}[A-Za-z0-9_])?)+"
)
# Broader, for judging a column under a code header: also lower_snake, kebab-case, dotted
# (``transfer.disabled``, ``Order.NotFound``), CamelCase and lowerCamel ids (``notFound``),
# ``Prefix:Words`` and hexadecimal codes (``0x1f``).
_CODE_LIKE = re.compile(
    rf"(?:{CODE_SHAPE.pattern})|[a-z][a-z0-9]*(?:[-._][a-z0-9]+)+"
    r"|[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9_]*)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+"
    rf"|{PREFIXED.pattern}|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+|0x[0-9A-Fa-f]{{1,16}}"
)
# Any identifier-like token: what a cell under a code header may hold. No spaces, so prose
# never becomes a code.
_IDENTIFIER = re.compile(r"[-+]?[A-Za-z0-9](?:[A-Za-z0-9_.\-]{0,62}[A-Za-z0-9_])?")
_SEPARATORS = re.compile(r"\s*(?:/|,|&|、|，)\s*|\s+or\s+")
_LEADING_CODE = re.compile(rf"(?P<code>{CODE_SHAPE.pattern})\s+(?P<rest>\S.*)", re.S)
_HTTP_STATUS = re.compile(r"[1-5]\d\d")
# What follows a code and is no name for it: ``0 or absent`` (Deribit's success row).
_ALTERNATIVE = re.compile(r"\(?(?:or|and)\s", re.IGNORECASE)


def looks_like_code(value: str) -> bool:
    return _CODE_LIKE.fullmatch(value) is not None


def codes_in_cell(value: str) -> tuple[list[str], str]:
    """The codes a cell under a code header holds, and any words written after a lone code.

    An identifier-like token is a code (``order-size-too-small``, ``transfer.disabled``);
    ``400 / 401`` is two codes; ``429 Too Many Requests`` is the code 429 named "Too
    Many Requests"; anything else is prose and no code.
    """
    if _IDENTIFIER.fullmatch(value) or PREFIXED.fullmatch(value):
        return [value], ""
    parts = _SEPARATORS.split(value)
    if len(parts) > 1 and all(CODE_SHAPE.fullmatch(p) for p in parts):
        return parts, ""
    if leading := _LEADING_CODE.fullmatch(value):
        rest = leading["rest"]
        return [leading["code"]], "" if _ALTERNATIVE.match(rest) else rest
    return [], ""


@dataclass(frozen=True, slots=True)
class Columns:
    code: int
    message: int
    extra: tuple[tuple[int, str], ...]  # (column index, header name)


def code_score(name: str) -> int:
    """How surely a header (or a data key) names error codes: 0 not at all, 3 certainly."""
    return _CODE_HEADERS.get(normalise_header(name), 0)


def message_score(name: str) -> int:
    """How surely a header (or a data key) names the message: 0 not at all, 3 certainly."""
    return _MESSAGE_HEADERS.get(normalise_header(name), 0)


def header_name(text: str) -> str:
    """The name a header is known by: the whole header, else without a parenthesised note
    (``Error Code (int)``), else the first known part of a bilingual one (``错误码 / Code``)."""
    whole = normalise_header(text)
    if _known(whole):
        return whole
    variants = [_PARENTHESISED.sub(" ", text), *_HEADER_PARTS.split(text)]
    return next((name for name in map(normalise_header, variants) if _known(name)), whole)


def names_codes(header: str) -> bool:
    """Whether a header names a column of codes (``Code``, ``Error Code``, ``HTTP Status``, ``错误码``)."""
    return header_name(header) in _CODE_HEADERS


def _known(name: str) -> bool:
    return name in _CODE_HEADERS or name in _WEAK_CODE_HEADERS or name in _MESSAGE_HEADERS


def normalise_header(text: str) -> str:
    text = collapse(text).lower().replace("_", " ").replace("-", " ")
    return " ".join(_PUNCT.sub(" ", text).split())


def by_header(header: Sequence[str]) -> Columns | None:
    """Columns from header names, or None when the header names no code column.

    ``message`` is -1 when an error-code header stands beside columns none of
    which is named like a message (``Code | Context | Recommended Action`` with an
    unknown word for "Context"): ``with_message`` then picks it by content.
    """
    names = [header_name(h) for h in header]
    code = _best(names, _CODE_HEADERS, exclude=-1)
    if code < 0:
        code = _best(names, _WEAK_CODE_HEADERS, exclude=-1)
    if code < 0 or _responses_table(names, code):
        return None
    message = _best(names, _MESSAGE_HEADERS, exclude=code)
    if message < 0:
        others = [i for i in range(len(names)) if i != code]
        if len(others) == 1:
            message = others[0]
        elif not others or _CODE_HEADERS.get(names[code], 0) < 3:
            return None
    return _columns(code, message, header)


def _responses_table(names: Sequence[str], code: int) -> bool:
    """``Status | Meaning | Description | Schema``: the HTTP responses of one endpoint, as
    OpenAPI renderers (widdershins, in Slate pages such as Gate's) write under every
    endpoint; read as codes, a whole page would list 200 OK once per endpoint."""
    return "schema" in names and _CODE_HEADERS.get(names[code], 0) <= 1


def with_message(columns: Columns, rows: Sequence[Sequence[str]], header: Sequence[str]) -> Columns:
    """``columns`` with its message column chosen by content when the header named none."""
    if columns.message >= 0:
        return columns
    return _columns(columns.code, _wordiest(rows, len(header), skip={columns.code}), header)


def prefer_prose(columns: Columns, rows: Sequence[Sequence[str]], header: Sequence[str]) -> Columns:
    """``columns`` with the message moved to the prose beside a column of identifiers.

    ``Code | Error | Description`` with rows ``10000 | ERR_UNK | Unknown error``
    (Bitfinex): "Error" outranks "Description" as a header, but its cells are names,
    not messages, and the same codes were listed as ``10000 : Unknown error``
    before. Only a column the header does not call the message outright gives way,
    and only to a column of prose whose header is message-like; the names stay in
    ``extra`` under their header.
    """
    names = [header_name(h) for h in header]
    current = columns.message
    if not 0 <= current < len(names) or _MESSAGE_HEADERS.get(names[current], 0) >= 3:
        return columns
    if not _mostly(rows, current, looks_like_code):
        return columns
    prose = [
        (_MESSAGE_HEADERS[name], -i)
        for i, name in enumerate(names)
        if i not in (columns.code, current)
        and name in _MESSAGE_HEADERS
        and not _mostly(rows, i, looks_like_code)
    ]
    return _columns(columns.code, -max(prose)[1], header) if prose else columns


def by_cells(
    columns: Columns, rows: Sequence[Sequence[str]], header: Sequence[str]
) -> Columns | None:
    """Columns by what the cells hold, for a header its rows contradict.

    ``Error message | Error code | http status code`` above rows that put the code
    first: the header's code column holds no codes, so the code-shaped column
    that is not an HTTP status becomes the code, preferring the one the header
    called the message (the two names were swapped), and the wordiest remaining
    column the message.
    """
    width = max((len(r) for r in rows), default=0)
    shaped = [c for c in range(width) if _mostly(rows, c, looks_like_code)]
    if not shaped:
        return None
    statuses = {c for c in shaped if _mostly(rows, c, _HTTP_STATUS.fullmatch)}
    if columns.message in shaped:
        code = columns.message
    else:
        code = next((c for c in shaped if c not in statuses), shaped[0])
    if columns.message >= 0 and columns.message != code and columns.message not in shaped:
        message = columns.message
    else:
        message = _wordiest(rows, width, skip=set(shaped))
    return _columns(code, message, header) if message >= 0 else None


def _mostly(rows: Sequence[Sequence[str]], col: int, test: Callable[[str], object]) -> bool:
    values = [clean_code(row[col]) for row in rows if col < len(row) and row[col].strip()]
    return bool(values) and sum(1 for v in values if test(v)) >= 0.8 * len(values)


def _wordiest(rows: Sequence[Sequence[str]], width: int, skip: set[int]) -> int:
    """The column holding the most text, among those not in ``skip``; -1 when none is left."""
    lengths = [
        (sum(len(row[c]) for row in rows if c < len(row)), -c)
        for c in range(width)
        if c not in skip
    ]
    return -max(lengths)[1] if lengths else -1


def by_content(rows: Sequence[Sequence[str]], width: int) -> Columns | None:
    """Columns of a header-less table: one column is code-shaped, the wordiest is the message."""
    if len(rows) < 2 or width < 2:
        return None
    code = -1
    for col in range(width):
        values = [row[col] for row in rows if col < len(row) and row[col]]
        shaped = sum(1 for v in values if CODE_SHAPE.fullmatch(v))
        if values and shaped >= 0.8 * len(rows):
            code = col
            break
    if code < 0:
        return None
    message = _wordiest(rows, width, skip={code})
    return _columns(code, message, [f"column {i + 1}" for i in range(width)])


def _best(names: Sequence[str], table: dict[str, int], exclude: int) -> int:
    best, best_score = -1, 0
    for i, name in enumerate(names):
        score = table.get(name, 0)
        if i != exclude and score > best_score:
            best, best_score = i, score
    return best


def _columns(code: int, message: int, header: Sequence[str]) -> Columns:
    extra = tuple(
        (i, collapse(name) or f"column {i + 1}")
        for i, name in enumerate(header)
        if i not in (code, message)
    )
    return Columns(code=code, message=message, extra=extra)
