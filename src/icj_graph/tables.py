"""Query results as a readable table for a terminal."""

from __future__ import annotations

import json


def render_table(results_json: bytes, *, width: int = 40) -> str:
    """Render SPARQL JSON results as an aligned text table (cells cut at `width`).

    >>> row = b'{"a": {"type": "literal", "value": "x"}, "b": {"type": "literal", "value": "1"}}'
    >>> results = b'{"head": {"vars": ["a", "b"]}, "results": {"bindings": [%s]}}' % row
    >>> print(render_table(results), end="")
    a | b
    --+--
    x | 1
    (1 row)
    """
    answer = json.loads(results_json)
    if "boolean" in answer:
        return f"{str(answer['boolean']).lower()}\n"
    names = answer["head"]["vars"]
    rows = [
        [_cell(b.get(n, {}).get("value", ""), width) for n in names]
        for b in answer["results"]["bindings"]
    ]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    rule = "-+-".join("-" * w for w in widths)
    body = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'})"
    return "\n".join([line, rule, *body, count]) + "\n"


def _cell(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
