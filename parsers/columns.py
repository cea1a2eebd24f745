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
from collections.abc import Sequence
from dataclasses import dataclass

from errata.parsers.text import collapse

_CODE_HEADERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "code", "codes", "error code", "error codes", "err code", "errcode", "errorcode",
            "error id", "error no", "errno", "error number", "ret code", "retcode",
            "return code", "result code", "response code", "api code", "business code",
            "biz code", "external code", "internal code", "system code", "system error code",
            "sub code", "subcode", "错误码", "错误代码", "错误编码", "代码", "返回码", "编码",
            "錯誤碼", "錯誤代碼", "代碼", "コード", "エラーコード", "오류 코드", "에러 코드", "코드",
        ],
        3,
    ),
    **dict.fromkeys(
        ["status code", "reason code", "close code", "event code", "状态码", "狀態碼"], 2
    ),
    **dict.fromkeys(
        ["http status", "http status code", "http code", "http error code", "status",
         "http 状态码", "http状态码"],
        1,
    ),
}  # fmt: skip

_MESSAGE_HEADERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "message", "error message", "msg", "error msg", "err msg", "errmsg",
            "error_message", "message text", "messages", "错误消息", "错误信息", "错误提示",
            "提示信息", "錯誤訊息", "錯誤消息", "錯誤信息", "消息", "信息", "メッセージ",
            "エラーメッセージ", "메시지", "오류 메시지",
        ],
        3,
    ),
    **dict.fromkeys(
        [
            "meaning", "reason", "reason text", "reason phrase", "text", "error text",
            "error", "error description", "error reason", "含义", "含義", "文案", "原因",
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

# A code as docs print them: 0, -1013, 05001, 400100, E1001, ERR-102, AMBIGUOUS_SYMBOL.
CODE_SHAPE = re.compile(r"-?\d{1,10}|[A-Za-z]{1,6}[-_]?\d{2,10}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


# Broader, for judging a column under a code header: also lower_snake, dotted and CamelCase ids.
_CODE_LIKE = re.compile(
    rf"(?:{CODE_SHAPE.pattern})|[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+"
)


def looks_like_code(value: str) -> bool:
    return _CODE_LIKE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Columns:
    code: int
    message: int
    extra: tuple[tuple[int, str], ...]  # (column index, header name)


def normalise_header(text: str) -> str:
    text = collapse(text).lower().replace("_", " ").replace("-", " ")
    return " ".join(_PUNCT.sub(" ", text).split())


def by_header(header: Sequence[str]) -> Columns | None:
    """Columns from header names, or None when the header names no code column."""
    names = [normalise_header(h) for h in header]
    code = _best(names, _CODE_HEADERS, exclude=-1)
    if code < 0:
        return None
    message = _best(names, _MESSAGE_HEADERS, exclude=code)
    if message < 0:
        others = [i for i in range(len(names)) if i != code]
        if len(others) != 1:
            return None
        message = others[0]
    return _columns(code, message, header)


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
    lengths = [
        (sum(len(row[col]) for row in rows if col < len(row)), -col)
        for col in range(width)
        if col != code
    ]
    message = -max(lengths)[1]
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
