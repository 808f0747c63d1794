"""Which links a visitor cannot see (暗链 candidates), judged from static HTML and CSS.

Reads inline ``style`` attributes and the page's ``<style>`` blocks (simple
selectors: tag, .class, #id, tag.class, lists, the last part of descendant
selectors).  A rule revealed again on ``:hover``/``:focus`` (drop-down menus)
does not hide.  Pure functions; no browser.
"""

from __future__ import annotations

import re
from typing import Any

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_DECL = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_NUM = re.compile(r"^(-?\d+(?:\.\d+)?)(px|em|rem|pt|%)?$")
_COMPOUND = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?((?:[.#][\w-]+)*)$")
_NAMED = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "blue": "#0000ff",
    "yellow": "#ffff00", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0",
}
OFFSCREEN_PX = 500


def _num(value: str) -> float | None:
    m = _NUM.match(value.strip().lower().replace("!important", "").strip())
    if not m:
        return None
    n = float(m.group(1))
    return n * 16 if m.group(2) in ("em", "rem") else n


def _color(value: str) -> str | None:
    v = value.strip().lower().replace("!important", "").strip()
    if v in _NAMED:
        return _NAMED[v]
    if re.fullmatch(r"#[0-9a-f]{3}", v):
        return "#" + "".join(c * 2 for c in v[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", v):
        return v
    m = re.fullmatch(r"rgba?\((\d+)\s*,\s*(\d+)\s*,\s*(\d+)(?:\s*,\s*[\d.]+)?\)", v)
    if m:
        return "#" + "".join(f"{int(x):02x}" for x in m.groups())
    return None


def parse_decls(style: str) -> dict[str, str]:
    return {k.strip().lower(): v.strip() for k, v in _DECL.findall(style or "")}


def hiding_reason(decls: dict[str, str]) -> str | None:
    """Why these declarations make an element invisible, or None."""
    if not decls:
        return None
    get = lambda k: decls.get(k, "").lower().replace("!important", "").strip()  # noqa: E731
    if get("display") == "none":
        return "display:none"
    if get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    if _num(get("opacity") or "1") == 0:
        return "opacity:0"
    w, h = _num(get("width")), _num(get("height"))
    if (w is not None and w <= 1) or (h is not None and h <= 1):
        if get("overflow") in ("hidden", "clip") or (w is not None and h is not None and w <= 1 and h <= 1):
            return "zero size"
    if _num(get("font-size") or "1") == 0:
        return "font-size:0"
    if get("position") in ("absolute", "fixed", "relative"):
        for side in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
            n = _num(get(side))
            if n is not None and n <= -OFFSCREEN_PX:
                return f"off-screen ({side}:{get(side)})"
    n = _num(get("text-indent"))
    if n is not None and n <= -OFFSCREEN_PX:
        return "off-screen (text-indent)"
    clip = get("clip").replace(" ", "")
    if clip in ("rect(0,0,0,0)", "rect(0px,0px,0px,0px)", "rect(00000)", "rect(0px0px0px0px)"):
        return "clip:rect(0)"
    fg, bg = _color(get("color")), _color(get("background-color") or get("background"))
    if fg and bg and fg == bg:
        return f"text colour equals background ({fg})"
    return None


def _compounds(selector: str) -> list[tuple[str | None, set[str], set[str]]]:
    out = []
    for sel in selector.split(","):
        parts = sel.strip().split()
        if not parts:
            continue
        last = parts[-1]
        if ">" in last or "+" in last or "~" in last or "[" in last:
            continue
        m = _COMPOUND.match(last.split(":")[0])
        if not m:
            continue
        tag = (m.group(1) or "").lower() or None
        rest = m.group(2) or ""
        classes = set(re.findall(r"\.([\w-]+)", rest))
        ids = set(re.findall(r"#([\w-]+)", rest))
        if tag or classes or ids:
            out.append((tag, classes, ids))
    return out


class StyleSheet:
    """Hiding rules of a page's <style> blocks."""

    def __init__(self, css: str) -> None:
        self.rules: list[tuple[tuple[str | None, set[str], set[str]], str]] = []
        revealed: list[tuple[str | None, set[str], set[str]]] = []
        for selector, body in _RULE.findall(_COMMENT.sub("", css)):
            decls = parse_decls(body)
            if ":hover" in selector or ":focus" in selector:
                if decls.get("display", "none").strip() != "none" or decls.get("visibility", "") == "visible":
                    revealed.extend(_compounds(selector))
                continue
            reason = hiding_reason(decls)
            if reason:
                self.rules.extend((c, reason) for c in _compounds(selector))
        self.revealed = revealed

    @staticmethod
    def _matches(compound: tuple[str | None, set[str], set[str]], el: Any) -> bool:
        tag, classes, ids = compound
        if tag and el.tag != tag:
            return False
        if classes and not classes <= set((el.get("class") or "").split()):
            return False
        return not (ids and el.get("id") not in ids)

    def reason(self, el: Any) -> str | None:
        for compound, reason in self.rules:
            if self._matches(compound, el) and not any(self._matches(r, el) for r in self.revealed):
                return f"{reason} (stylesheet)"
        return None


def hidden_anchors(root: Any) -> dict[Any, str]:
    """{<a> element: reason} for every anchor that is invisible."""
    css = "\n".join("".join(s.itertext()) for s in root.iter("style"))
    sheet = StyleSheet(css) if css.strip() else None
    cache: dict[Any, str | None] = {}

    def own_reason(el: Any) -> str | None:
        if el in cache:
            return cache[el]
        reason = None
        if el.tag == "marquee":
            h, w = _num(el.get("height") or ""), _num(el.get("width") or "")
            style = parse_decls(el.get("style") or "")
            h = h if h is not None else _num(style.get("height", ""))
            w = w if w is not None else _num(style.get("width", ""))
            if (h is not None and h <= 1) or (w is not None and w <= 1):
                reason = "zero-size <marquee>"
        if reason is None and el.get("hidden") is not None and el.tag not in ("input",):
            reason = "hidden attribute"
        if reason is None and el.get("style"):
            reason = hiding_reason(parse_decls(el.get("style")))
            if reason:
                reason += " (inline)"
        if reason is None and sheet is not None:
            reason = sheet.reason(el)
        cache[el] = reason
        return reason

    out: dict[Any, str] = {}
    for a in root.iter("a"):
        if not a.get("href"):
            continue
        el = a
        while el is not None and isinstance(el.tag, str):
            r = own_reason(el)
            if r:
                out[a] = r
                break
            if el.tag == "body":
                break
            el = el.getparent()
    return out
