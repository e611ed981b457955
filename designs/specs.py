"""A design's free-form specs, read as rows of name and text (the portal's run page, the admin's snapshot)."""

import json


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
