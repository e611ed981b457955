"""The API's one JSON reader: what a client sends is refused with a 400, never a 500.

DRF's own parser lets ``RecursionError`` escape on absurdly nested input, and a lone
surrogate (``"\\ud800"``) parses fine but cannot be stored by PostgreSQL nor echoed
back in an error message. Both are refused here, naming where in the body they are,
before any view sees the data. The signed webhook reads its raw body with ``loads``.
"""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # no request body of this API nests deeper than a handful of levels


def _check(value) -> None:
    """Walk the decoded body without recursion: depth, and text that cannot be encoded as UTF-8."""
    stack = [(value, "$", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(f"The JSON body nests deeper than {MAX_DEPTH} levels.")
        if isinstance(item, str):
            _encodable(item, path)
        elif isinstance(item, dict):
            for key, child in item.items():
                _encodable(key, f"{path} (a key)")
                stack.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def _encodable(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # The path may hold the bad key itself: say where without echoing it.
        where = path.encode("utf-8", "replace").decode("utf-8")
        raise ParseError(f"Text at {where} contains a character that cannot be encoded (a lone surrogate).") from None


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python accepts them, JSON does not


def loads(body: bytes):
    """Decode a JSON body, or raise ParseError (400) saying why."""
    try:
        value = json.loads(body, parse_constant=_no_constants)
    except RecursionError:
        raise ParseError(f"The JSON body nests deeper than {MAX_DEPTH} levels.") from None
    except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
        raise ParseError("The body is not valid JSON.") from exc
    _check(value)
    return value


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return loads(stream.read() if stream is not None else b"")
