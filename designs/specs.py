"""A design's free-form specs: read as rows of name and text (the portal's run page, the admin's snapshot), and
edited in admin as lines of ``name: value`` (``SpecsField``), so nobody has to write JSON to say "fabric: denim".

The lines keep every JSON value as it was: a value is read as JSON when it is JSON (``12``, ``true``,
``["S", "M"]``, ``"12"`` in quotes), else as text. Written back, text that would read as something else
(``12`` meant as text, a line break) is quoted, so a design saved unchanged keeps its specs exactly.
A whole JSON object pasted in is taken as it is (the form's old format, and what integrations send).
"""

import json

from django import forms

_decoder = json.JSONDecoder()


def spec_rows(specs) -> list[tuple[str, str]]:
    """A design's free-form specs as (name, text) rows for a simple table."""
    if not isinstance(specs, dict):
        return [("specs", json.dumps(specs))] if specs else []
    rows = []
    for key, value in specs.items():
        if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = str(value)
        rows.append((str(key).replace("_", " "), text))
    return rows


def _reads_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _one_line(value) -> str:
    """``value`` as JSON on one line: characters that break a line (\\u2028, form feed...) are escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text.splitlines()) <= 1 else json.dumps(value)


def _plain(text: str, *, is_name: bool) -> str:
    """``text`` as typed on a line, or quoted where typing it bare would read back differently."""
    awkward = len(text.splitlines()) > 1 or text != text.strip() or text.startswith('"')
    if is_name:
        awkward = awkward or not text or ":" in text
    else:
        awkward = awkward or _reads_as_json(text)
    return _one_line(text) if awkward else text


def specs_as_lines(specs: dict) -> str:
    return "\n".join(
        f"{_plain(str(key), is_name=True)}: "
        f"{_plain(value, is_name=False) if isinstance(value, str) else _one_line(value)}"
        for key, value in specs.items())


def _line(number: int, line: str) -> tuple[str, object]:
    needs = f"Line {number} needs a name, a colon and a value, such as “fabric: denim”."
    if line.startswith('"'):
        try:
            name, end = _decoder.raw_decode(line)
        except ValueError:
            raise forms.ValidationError(f"Line {number}: the quoted name is not closed.") from None
        rest = line[end:].lstrip()
        if not rest.startswith(":"):
            raise forms.ValidationError(needs)
        text = rest[1:].strip()
    else:
        name, colon, text = line.partition(":")
        name, text = name.strip(), text.strip()
        if not colon or not name:
            raise forms.ValidationError(needs)
    try:
        return name, json.loads(text)
    except ValueError:
        return name, text


def specs_from_lines(text: str) -> dict:
    """The lines back into the specs object; raises ValidationError naming the line at fault."""
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
    specs: dict = {}
    for number, line in enumerate(text.split("\n"), start=1):  # only a line feed ends a line (\r is stripped)
        if not line.strip():
            continue
        name, value = _line(number, line.strip())
        if name in specs:
            raise forms.ValidationError(f"Line {number}: “{name}” is already given above.")
        specs[name] = value
    return specs


class SpecsField(forms.Field):
    widget = forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})
    default_help_text = ("One spec per line, as “name: value” (fabric: denim). Numbers, true/false and [lists] "
                         "are kept as such; put text in quotes to keep it as text (\"42\").")

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return specs_as_lines(value) if isinstance(value, dict) else value

    def to_python(self, value):
        return specs_from_lines(value) if isinstance(value, str) else (value or {})

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or {})
        except forms.ValidationError:
            return True
