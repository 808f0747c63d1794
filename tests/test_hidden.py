"""Hidden-link (暗链) detection from static HTML and CSS: positives and near misses."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.hidden import hidden_anchors, hiding_reason, parse_decls


def reasons(html: str) -> dict[str, str]:
    root = Selector(text=html).root
    return {a.get("href"): r for a, r in hidden_anchors(root).items()}


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("display:none", "display:none"),
        ("DISPLAY : NONE !important", "display:none"),
        ("visibility:hidden", "visibility:hidden"),
        ("height:0;overflow:hidden", "zero size"),
        ("width:1px;height:1px", "zero size"),
        ("position:absolute;left:-9999px", "off-screen (left:-9999px)"),
        ("position:absolute;top:-100em", "off-screen (top:-100em)"),
        ("text-indent:-9999px", "off-screen (text-indent)"),
        ("opacity:0", "opacity:0"),
        ("font-size:0", "font-size:0"),
        ("color:#FFF;background-color:white", "text colour equals background (#ffffff)"),
        ("clip:rect(0 0 0 0)", None),  # clip needs a position; bare clip is ignored by browsers
        ("display:block", None),
        ("height:0", None),  # zero height without overflow:hidden still shows its content
        ("position:absolute;left:-20px", None),
        ("color:#333;background-color:#fff", None),
    ],
)
def test_hiding_reason(style, expected):
    got = hiding_reason(parse_decls(style))
    if expected is None:
        assert got is None
    else:
        assert got == expected


def test_inline_ancestors_stylesheets_and_marquee():
    html = """<html><head><style>
    .dl { position:absolute; top:-3000px }
    #x, .y { visibility: hidden }
    .menu ul { display:none } .menu:hover ul { display:block }
    </style></head><body>
    <div style="display:none"><p><a href="http://a/">a</a></p></div>
    <div class="dl"><a href="http://b/">b</a></div>
    <span id="x"><a href="http://c/">c</a></span>
    <marquee height="1"><a href="http://d/">d</a></marquee>
    <marquee height="30"><a href="http://e/">e</a></marquee>
    <div class="menu"><ul><li><a href="http://f/">f</a></li></ul></div>
    <a href="http://g/">g</a>
    <div hidden><a href="http://h/">h</a></div>
    </body></html>"""
    got = reasons(html)
    assert set(got) == {"http://a/", "http://b/", "http://c/", "http://d/", "http://h/"}
    assert got["http://a/"] == "display:none (inline)"
    assert got["http://b/"] == "off-screen (top:-3000px) (stylesheet)"
    assert got["http://d/"] == "zero-size <marquee>"


def test_visible_duplicate_clears_a_hidden_link():
    from crawler.extract.links import extract_links

    html = """<a href="http://127.0.0.9/">部门网站</a><div style="display:none"><a href="http://127.0.0.9/">部门网站</a></div>
    <div style="display:none"><a href="http://127.0.0.8/">博彩</a></div>"""
    links = {lk.target: lk.hidden for lk in extract_links(Selector(text=html), "http://127.0.0.1/")}
    assert links == {"http://127.0.0.9/": None, "http://127.0.0.8/": "display:none (inline)"}
