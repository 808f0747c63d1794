"""Which encoding a page really uses when header and meta disagree."""

from __future__ import annotations

import pytest

from crawler.extract.encoding import detect, normalise

TEXT = "<html><head>{meta}</head><body>青山县人民政府 关于王堃同志任职的通知</body></html>"


def page(meta: str, enc: str) -> bytes:
    return TEXT.format(meta=meta).encode(enc)


@pytest.mark.parametrize(
    ("body", "ctype", "expected", "declared"),
    [
        (page('<meta charset="utf-8">', "utf-8"), "text/html; charset=utf-8", "utf-8", "utf-8"),
        # GBK bytes under a utf-8 header, meta says gbk
        (page('<meta charset="gbk">', "gb18030"), "text/html; charset=utf-8", "gb18030", "utf-8"),
        # meta says gb2312 but 堃 is GBK-only: strict gb2312 would fail, gb18030 reads it
        (page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"), "text/html", "gb18030", "gb2312"),
        # header says GBK but the bytes are UTF-8: UTF-8 validity wins over the label
        (page("", "utf-8"), "text/html; charset=GBK", "utf-8", "gbk"),
        # no declaration at all
        (page("", "gb18030"), None, "gb18030", None),
        # unknown label
        (page('<meta charset="x-no-such-charset">', "utf-8"), "text/html", "utf-8", "x-no-such-charset"),
    ],
)
def test_detect(body, ctype, expected, declared):
    enc, decl = detect(body, ctype)
    assert (enc, decl) == (expected, declared)
    assert "堃" in body.decode(enc)


def test_bom_wins():
    body = b"\xef\xbb\xbf" + "<p>政务公开</p>".encode()
    assert detect(body, "text/html; charset=gbk")[0] == "utf-8-sig"


def test_undecodable_bytes_pick_the_least_damaged():
    body = "政务公开".encode("gb18030") * 20 + b"\xff\xff"
    enc, _ = detect(body, "text/html; charset=utf-8")
    assert enc == "gb18030"


def test_normalise():
    assert normalise("GB2312") == "gb18030"
    assert normalise("gbk") == "gb18030"
    assert normalise("UTF8") == "utf-8"
    assert normalise("bogus") is None
    assert normalise(None) is None
