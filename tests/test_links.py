"""Link extraction and URL normalisation."""

from __future__ import annotations

from parsel import Selector

from crawler.extract.links import clean_url, dedupe_key, extract_links, kind_of, strip_session


def test_kinds_base_href_and_chinese_urls():
    html = """<html><head><base href="http://127.0.0.1/zwgk/"></head><body>
    <a href="tzgg/a.html">通知</a><a href="/files/年度报告 2025.pdf">年报</a>
    <a href="mailto:ban@qingshan.gov.cn">信箱</a><a href="tel:0571-1234567">电话</a>
    <a href="javascript:void(0)">打印</a><a href="#">顶部</a><a href="#top">顶部</a>
    <a href="http://www.gov.cn/">中国政府网</a><img src="/img/logo.png" alt="logo">
    <a href="http://[bad">坏</a></body></html>"""
    links = extract_links(Selector(text=html), "http://127.0.0.1/index.html")
    got = {(lk.target, lk.kind) for lk in links}
    assert ("http://127.0.0.1/zwgk/tzgg/a.html", "page") in got
    assert ("http://127.0.0.1/files/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A%202025.pdf", "attachment") in got
    assert ("mailto:ban@qingshan.gov.cn", "mail") in got
    assert ("tel:0571-1234567", "tel") in got
    assert ("javascript:void(0)", "javascript") in got
    assert ("http://www.gov.cn/", "page") in got  # external is decided by the spider's roots
    assert ("http://127.0.0.1/img/logo.png", "image") in got
    assert ("http://[bad", "invalid") in got  # recorded: a link nobody can follow
    assert not any(t.endswith("#top") or t == "#" for t, _ in got)
    assert len(links) == 8


def test_clean_url_drops_fragments_and_bad_urls():
    assert clean_url("a.html#p2", "http://h/x/") == "http://h/x/a.html"
    assert clean_url("#", "http://h/") is None
    assert clean_url("http://", "http://h/") is None
    assert clean_url("HTTP://H.GOV.CN/A", "http://x/") == "http://h.gov.cn/A"


def test_session_ids_and_index_documents():
    assert strip_session("http://h/a/;jsessionid=ABC123") == "http://h/a/"
    assert strip_session("http://h/s/?q=1&sid=99&PHPSESSID=x") == "http://h/s/?q=1"
    assert dedupe_key("http://h/a/index.html") == dedupe_key("http://h/a/")
    assert dedupe_key("http://h/s/?b=2&a=1") == dedupe_key("http://h/s/?a=1&b=2")
    assert dedupe_key("http://h/a/index_1.html") != dedupe_key("http://h/a/")


def test_kind_of():
    assert kind_of("http://h/a.DOCX") == "attachment"
    assert kind_of("http://h/a.wps") == "attachment"
    assert kind_of("http://h/a.JPG") == "image"
    assert kind_of("http://h/a.shtml") == "page"
    assert kind_of("ftp://h/a") == "other"


def test_unsupported_scheme_is_recorded_not_dropped():
    links = extract_links(Selector(text='<a href="ftp://127.0.0.1/a.zip">FTP</a>'), "http://127.0.0.1/")
    assert [(lk.target, lk.kind) for lk in links] == [("ftp://127.0.0.1/a.zip", "other")]
