"""The Jinja2 environment of the web pages (autoescaped)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: Escapes that would change what a URL means once decoded: space, / ? # % & =.
_MEANINGFUL = re.compile(r"%(?:20|2[fF]|3[fF]|23|25|26|3[dD])")


def readable_url(url: str) -> str:
    """A URL as a browser's address bar shows it: percent-escapes decoded where they spell
    text, kept where decoding would change what the URL means.

    >>> readable_url("https://en.wikipedia.org/wiki/Ratko_Mladi%C4%87")
    'https://en.wikipedia.org/wiki/Ratko_Mladić'
    >>> readable_url("https://example.org/a%20b%2Fc%E5")
    'https://example.org/a%20b%2Fc%E5'
    """
    pieces = _MEANINGFUL.split(url)
    kept = _MEANINGFUL.findall(url)
    out = [_decoded(pieces[0])]
    for escape, piece in zip(kept, pieces[1:], strict=True):
        out += [escape, _decoded(piece)]
    return "".join(out)


def _decoded(text: str) -> str:
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:  # not UTF-8 text: leave it as it is
        return text


templates.env.filters["readable_url"] = readable_url
