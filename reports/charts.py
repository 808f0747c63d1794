"""Charts for the HTML report: matplotlib rendered to inline SVG (no files, no network).

Input is report-model data only (category counts and trend points); the
output is an ``<svg>`` string with its ids prefixed, so several charts can sit
in one page. Text is drawn as paths: the SVG shows the same on any machine,
with or without Chinese fonts. The Chinese labels need a CJK font at
generation time (``fonts-wqy-microhei`` on Debian, or Noto CJK); without one
the labels fall back to English.
"""

from __future__ import annotations

import io
import re
import warnings
from functools import lru_cache
from typing import Any

CATEGORY_COLORS = {"不及时": "#c62828", "不准确": "#ef6c00", "不回应": "#6a1b9a", "不实用": "#1565c0", "不安全": "#212121"}
_ENGLISH = {"不及时": "untimely", "不准确": "inaccurate", "不回应": "unresponsive", "不实用": "impractical", "不安全": "unsafe"}
_CJK_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")


@lru_cache(maxsize=1)
def _setup() -> str | None:
    """Configure matplotlib once; returns the CJK font family in use (None: none installed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager, rcParams

    names = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in _CJK_FAMILIES if f in names), None)
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = ([family] if family else []) + ["DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    rcParams["svg.fonttype"] = "path"
    rcParams["svg.hashsalt"] = "govaudit"  # stable ids between runs
    rcParams["font.size"] = 9
    return family


def cjk_font() -> str | None:
    return _setup()


def _label(cat: str) -> str:
    return cat if _setup() else _ENGLISH.get(cat, cat)


_ID = re.compile(r'\bid="([^"]+)"')


def _inline(svg: str, prefix: str, title: str) -> str:
    svg = svg[svg.index("<svg"):]
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)

    def ref(m: re.Match[str]) -> str:
        return m.group(1) + (f"#{prefix}-{m.group(2)}" if m.group(2) in ids else f"#{m.group(2)}")

    svg = re.sub(r'((?:xlink:)?href="|url\()#([^")]+)', ref, svg)
    svg = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r'<svg\1', svg, count=1)
    esc = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{esc}" preserveAspectRatio="xMidYMid meet"', 1)
    return re.sub(r"(<svg[^>]*>)", rf"\1<title>{esc}</title>", svg, count=1)


def site_chart(category_counts: dict[str, int], trend: list[dict[str, Any]], prefix: str, categories: tuple[str, ...]) -> str:
    """One figure: current counts per category (bars) and the trend over the last runs (lines)."""
    _setup()
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing-glyph warnings when no CJK font is installed
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.6, 2.9), gridspec_kw={"width_ratios": [1, 1.6]})
        try:
            labels = [_label(c) for c in categories]
            values = [category_counts.get(c, 0) for c in categories]
            bars = ax1.barh(labels[::-1], values[::-1], color=[CATEGORY_COLORS.get(c, "#555") for c in categories][::-1])
            ax1.bar_label(bars, padding=2)
            ax1.set_title("本次问题数（按类别）" if _setup() else "findings by category")
            ax1.set_xlim(0, max(values + [1]) * 1.25)
            ax1.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
            for side in ("top", "right"):
                ax1.spines[side].set_visible(False)
            xs = [p["as_of"][5:10] for p in trend]
            for c in categories:
                ys = [p["by_category"].get(c, 0) for p in trend]
                if any(ys):
                    ax2.plot(xs, ys, marker="o", linewidth=1.6, markersize=4, color=CATEGORY_COLORS.get(c, "#555"), label=_label(c))
            ax2.plot(xs, [p["total"] for p in trend], marker="s", linewidth=1, markersize=3, color="#9e9e9e", linestyle="--", label="合计" if _setup() else "total")
            ax2.set_title(f"最近 {len(trend)} 次检查的变化" if _setup() else f"last {len(trend)} audits")
            ax2.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
            ax2.set_ylim(bottom=0)
            ax2.tick_params(axis="x", labelrotation=30 if len(xs) > 6 else 0)
            ax2.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
            for side in ("top", "right"):
                ax2.spines[side].set_visible(False)
            fig.tight_layout()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "govaudit"})
        finally:
            plt.close(fig)
    title = "问题数量按类别及最近检查趋势：" + "，".join(f"{c} {category_counts.get(c, 0)}" for c in categories)
    return _inline(buf.getvalue(), prefix, title)
