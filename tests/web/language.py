"""What a page shows a person, and the words in it that are not in the page's language.

``visible_text(html)`` is the text of the page's body as a person sees it — element text
plus the attributes a browser shows (placeholder, title, aria-label, button values) —
without what the page marks as data: elements with ``data-user-content`` (customer
names, texts, references, article bodies) or ``translate="no"`` (the product's name,
the other language's switch, identifiers such as an audit action code), and without
scripts and styles.

``leaks(text, lang)`` lists what does not belong, by rules written here, independent
of the catalogue under test:

* both languages: a raw catalogue key or code (``kb_new``, ``login_success``,
  ``voc.read``: snake_case or dotted lower-case words);
* English: any Chinese character or CJK punctuation;
* Chinese: any English word of three letters or more, except the few acronyms and
  names that a Chinese banking UI writes in Latin letters (``ALLOWED_LATIN``).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

#: Latin words a Chinese UI uses as they are (acronyms, formats, product names)
ALLOWED_LATIN = {"API", "IVR", "CSV", "NDJSON", "JSON", "Markdown", "SMS", "SIEM", "CRM", "VOC",
                 "ref", "IP", "HTTP", "UTC", "NPS", "CSAT", "CES"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
RAW_KEY = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
DOTTED_CODE = re.compile(r"(?<![\w.@/-])[a-z]{2,}\.[a-z_]{2,}(?:\.[a-z_]+)*(?![\w@/-])")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.parts: list[str] = []
        self.in_body = False

    @property
    def hidden(self) -> bool:
        return not self.in_body or any(h for _, h in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.in_body = True
        marked = "data-user-content" in a or a.get("translate") == "no" or tag in ("script", "style", "template")
        if not self.hidden and not marked:
            self.parts += [a[k] for k in _SHOWN_ATTRS if a.get(k)]
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.parts.append(a["value"])
        if tag not in _VOID:
            self.stack.append((tag, marked))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def leaks(text: str, lang: str) -> list[str]:
    """What in ``text`` (a page's visible text) is not in ``lang`` or is a raw key/code."""
    found = RAW_KEY.findall(text) + DOTTED_CODE.findall(text)
    if lang == "en":
        found += [line for line in text.splitlines() if CJK.search(line)]
    else:
        found += [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]
    return found
