"""Collect elements and attributes of a rendered report with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser


class Scan(HTMLParser):
    """Every start tag as (tag, attrs); plus the URLs the page would load."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        out = []
        for t, attrs in self.tags:
            if t != tag:
                continue
            if cls is not None and cls not in (attrs.get("class") or "").split():
                continue
            out.append(attrs)
        return out

    def resource_urls(self) -> list[str]:
        """src/href values that would make the browser fetch something (anchors excluded)."""
        urls = []
        for tag, attrs in self.tags:
            for key in ("src", "href", "data", "poster", "srcset", "action"):
                value = attrs.get(key)
                if value is None:
                    continue
                if tag == "a" and key == "href" and value.startswith("#"):
                    continue
                urls.append(f"{tag}[{key}]={value}")
        return urls
