"""HTML tables as grids of cell texts, merged cells (rowspan/colspan) expanded."""

from __future__ import annotations

from typing import Any


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).replace("\u3000", " ").replace("\xa0", " ").split())


def _span(el: Any, name: str) -> int:
    try:
        return max(1, min(int(el.get(name, "1")), 100))
    except ValueError:
        return 1


def extract_tables(tops: list[Any]) -> list[list[list[str]]]:
    """Every <table> under the given elements that is not only a layout wrapper."""
    out: list[list[list[str]]] = []
    for top in tops:
        for table in top.iter("table"):
            if table.find(".//table") is not None:
                continue  # a layout table holding other tables
            grid: list[list[str]] = []
            pending: dict[tuple[int, int], str] = {}
            for r, tr in enumerate(table.iter("tr")):
                row: list[str] = []
                c = 0
                for cell in tr:
                    if cell.tag not in ("td", "th"):
                        continue
                    while (r, c) in pending:
                        row.append(pending.pop((r, c)))
                        c += 1
                    text = _text(cell)
                    rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
                    for dc in range(cs):
                        row.append(text)
                        for dr in range(1, rs):
                            pending[(r + dr, c + dc)] = text
                    c += cs
                while (r, c) in pending:
                    row.append(pending.pop((r, c)))
                    c += 1
                grid.append(row)
            if len(grid) >= 2:
                out.append(grid)
    return out
