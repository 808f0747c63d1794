"""Column (栏目) types and their update thresholds (检查指标 2019 栏目不更新)."""

from __future__ import annotations

COLUMN_TYPES = {
    "dynamic": "动态要闻类",
    "notice": "通知公告、政策文件类",
    "should_update": "应更新类（人事、规划计划等）",
    "special": "专题专栏（历史性专题，不检查）",
    "exempt": "不检查",
}

# Order matters: the first group whose keyword occurs wins.
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("special", ("专题", "专栏")),
    ("dynamic", ("动态", "要闻", "新闻", "工作进展", "政务信息", "工作信息", "快讯", "资讯", "图片新闻", "媒体聚焦")),
    ("notice", ("通知公告", "通知", "公告", "公示", "政策文件", "规范性文件", "政府文件", "文件", "政策解读", "政策")),
    (
        "should_update",
        ("人事", "任免", "招考", "招聘", "规划", "计划", "领导", "机构", "财政", "预算", "决算", "统计", "重大项目", "重大建设", "采购", "信息公开目录", "地区介绍", "概况", "年报", "年度报告"),
    ),
)


def classify(meta_type: str | None, name: str | None) -> tuple[str, str]:
    """(column type, where it came from): ColumnType meta first, then the column's name."""
    for source, text in (("ColumnType", meta_type), ("name", name)):
        if not text:
            continue
        for ctype, words in _KEYWORDS:
            if any(w in text for w in words):
                return ctype, source
    return "should_update", "default"
