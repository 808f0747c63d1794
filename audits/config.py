"""govaudit.toml: the site group, nightly-run settings, threshold overrides per rule
and per site, column type pins.

    [group]
    name = "某某县人民政府网站群"

    [run]                         # `govaudit run` (paths relative to this file)
    db = "govaudit.db"
    out = "report"
    log = "govaudit.log"
    formats = ["html", "md"]

    [crawl]                       # crawl limits for `govaudit run`
    max_pages = 50000
    timeout = 15

    [probe]                       # `govaudit probe`
    timeout = 15

    [rules.column-stale]          # for every site
    dynamic_days = 10

    [[site]]
    root = "https://jyj.example.gov.cn/"
    name = "某某县教育局"
    [site.rules.homepage-stale]   # this site only
    max_days = 7
    [site.columns]                # pin a column's type, by URL or by name
    "https://jyj.example.gov.cn/col/col1202/index.html" = "notice"
    "人事信息" = "should_update"

Every key is checked: an unknown section, key, rule, parameter or column type, or a
root listed twice, is an error that names the line.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audits.columns import COLUMN_TYPES
from audits.workdays import WorkdayCalendar


SITE_KINDS = ("government", "department", "township")


class ConfigError(ValueError):
    """govaudit.toml (or the holiday file) cannot be used."""


@dataclass
class SiteConfig:
    root: str
    name: str | None = None
    kind: str | None = None
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)


# [crawl]: key -> type; names follow `govaudit crawl` options
CRAWL_KEYS: dict[str, type] = {
    "max_depth": int, "max_pages": int, "max_time": int, "timeout": float, "retries": int,
    "concurrency": int, "per_host": int, "delay": float, "obey_robots": bool,
    "check_links": bool, "link_cache_hours": float, "full": bool,
    "render": bool, "render_pages": int, "render_timeout": float, "render_patterns": list, "newmedia_hosts": list,
    "max_pages_per_host": int, "max_pages_per_pattern": int, "refuse_private": bool,  # crawler/limits.py
}
RUN_KEYS: dict[str, type] = {"db": str, "out": str, "log": str, "formats": list}
PROBE_KEYS: dict[str, type] = {"timeout": float, "concurrency": int}
REPORT_FORMATS = ("html", "md", "docx", "json")


@dataclass
class Config:
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    sites: list[SiteConfig] = field(default_factory=list)
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    source: str | None = None
    group_name: str | None = None
    crawl: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    probe: dict[str, Any] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Relative paths in [run] are relative to the config file."""
        return Path(self.source).resolve().parent if self.source else Path.cwd()

    def run_path(self, key: str, default: str) -> Path:
        value = Path(self.run.get(key) or default)
        return value if value.is_absolute() else self.base_dir / value

    def site(self, root: str) -> SiteConfig | None:
        norm = root.rstrip("/")
        for s in self.sites:
            if s.root.rstrip("/") == norm:
                return s
        return None

    def params_for(self, rule: Any, root: str) -> Any:
        values = dict(self.rules.get(rule.id, {}))
        site = self.site(root)
        if site:
            values.update(site.rules.get(rule.id, {}))
        return rule.params(**values)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "group_name": self.group_name,
            "rules": self.rules,
            "sites": [dataclasses.asdict(s) for s in self.sites],
        }


class _Lines:
    """Finds the line of a table or key in the TOML text, so errors can name it."""

    def __init__(self, text: str | None) -> None:
        self.lines = text.splitlines() if text else []

    def table(self, name: str, nth: int = 1, start: int = 0) -> int | None:
        """1-based line of the nth header [name] / [[name]] at or after line `start`."""
        pat = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(#.*)?$")
        seen = 0
        for i in range(start, len(self.lines)):
            if pat.match(self.lines[i]):
                seen += 1
                if seen == nth:
                    return i + 1
        return None

    def key(self, key: str, header: int | None = None) -> int | None:
        """1-based line of `key = …` in the table whose header is on 1-based line `header`
        (None: the top level, before any table)."""
        pat = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        start = header or 0
        for i in range(start, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                break
            if pat.match(self.lines[i]):
                return i + 1
        return None


def _at(line: int | None) -> str:
    return f"line {line}: " if line else ""


def _check_params(where: str, rule_id: str, values: Any, loc: str = "") -> dict[str, Any]:
    from audits.registry import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        raise ConfigError(f"{loc}{where}: unknown rule '{rule_id}' (see 'govaudit rules')")
    if not isinstance(values, dict):
        raise ConfigError(f"{loc}{where}.{rule_id}: expected a table of parameters")
    fields = {f.name: f for f in dataclasses.fields(rule.params)}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise ConfigError(f"{loc}{where}.{rule_id}: unknown parameter '{key}' (known: {known})")
        default = fields[key].default
        if isinstance(default, bool) != isinstance(value, bool) or (
            isinstance(default, (int, float)) and not isinstance(value, (int, float))
        ) or (isinstance(default, str) and not isinstance(value, str)):
            raise ConfigError(f"{loc}{where}.{rule_id}.{key}: expected {type(default).__name__}, got {value!r}")
        if isinstance(default, (tuple, list)) and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise ConfigError(f"{loc}{where}.{rule_id}.{key}: expected a list of strings, got {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{loc}{where}.{rule_id}.{key}: must not be negative")
    return dict(values)


def _typed_table(name: str, data: Any, keys: dict[str, type], lines: _Lines) -> dict[str, Any]:
    """A flat table of known keys with simple types ([crawl], [run], [probe])."""
    top = lines.table(name)
    if not isinstance(data, dict):
        raise ConfigError(f"{_at(top)}[{name}] must be a table")
    out: dict[str, Any] = {}
    for key, value in data.items():
        loc = _at(lines.key(key, top) or top)
        want = keys.get(key)
        if want is None:
            raise ConfigError(f"{loc}[{name}]: unknown key '{key}' (known: {', '.join(keys)})")
        ok = (
            isinstance(value, bool) if want is bool
            else isinstance(value, (int, float)) and not isinstance(value, bool) if want is float
            else isinstance(value, int) and not isinstance(value, bool) if want is int
            else isinstance(value, want)
        )
        if not ok:
            raise ConfigError(f"{loc}[{name}].{key}: expected {want.__name__}, got {value!r}")
        if want in (int, float) and value < 0:
            raise ConfigError(f"{loc}[{name}].{key}: must not be negative")
        out[key] = value
    return out


def _root_key(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{(parts.path or '/').rstrip('/')}"


def parse_config(data: dict[str, Any], source: str | None = None, text: str | None = None) -> Config:
    cfg = Config(source=source)
    lines = _Lines(text)
    for key in data:
        if key not in ("rules", "site", "group", "crawl", "run", "probe"):
            line = lines.table(key) or lines.key(key)
            raise ConfigError(
                f"{_at(line)}unknown section '{key}' (expected [group], [run], [crawl], [probe], [rules.<id>] or [[site]])"
            )
    group = data.get("group", {})
    if not isinstance(group, dict) or set(group) - {"name"} or not isinstance(group.get("name", ""), str):
        line = lines.table("group")
        raise ConfigError(f"{_at(line)}[group]: expected only name = \"…\"")
    cfg.group_name = group.get("name") or None
    cfg.crawl = _typed_table("crawl", data.get("crawl", {}), CRAWL_KEYS, lines)
    cfg.run = _typed_table("run", data.get("run", {}), RUN_KEYS, lines)
    bad = [f for f in cfg.run.get("formats", []) if f not in REPORT_FORMATS]
    if bad:
        line = lines.key("formats", lines.table("run"))
        raise ConfigError(f"{_at(line)}[run].formats: unknown format {bad[0]!r} (known: {', '.join(REPORT_FORMATS)})")
    cfg.probe = _typed_table("probe", data.get("probe", {}), PROBE_KEYS, lines)
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError("[rules] must be a table")
    for rule_id, values in rules.items():
        loc = _at(lines.table(f"rules.{rule_id}") or lines.table(f'rules."{rule_id}"'))
        cfg.rules[rule_id] = _check_params("rules", rule_id, values, loc)
    sites = data.get("site", [])
    if not isinstance(sites, list):
        raise ConfigError("site must be an array of tables: [[site]]")
    seen_roots: dict[str, tuple[int, int | None]] = {}
    for n, s in enumerate(sites, 1):
        where = f"site #{n}"
        top = lines.table("site", n)
        loc = _at(top)
        if not isinstance(s, dict) or not isinstance(s.get("root"), str) or not s["root"].startswith(("http://", "https://")):
            raise ConfigError(f"{loc}{where}: needs root = \"http(s)://…\"")
        unknown = set(s) - {"root", "name", "kind", "rules", "columns"}
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(f"{_at(lines.key(key, top) or top)}{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if s.get("kind") not in (None, *SITE_KINDS):
            raise ConfigError(f"{_at(lines.key('kind', top) or top)}{where}: unknown kind '{s['kind']}' (known: {', '.join(SITE_KINDS)})")
        rkey = _root_key(s["root"])
        root_line = lines.key("root", top) or top
        if rkey in seen_roots:
            first_n, first_line = seen_roots[rkey]
            also = f"line {first_line}, " if first_line else ""
            raise ConfigError(f"{_at(root_line)}{where}: root {s['root']} is listed twice (also {also}site #{first_n})")
        seen_roots[rkey] = (n, root_line)
        site = SiteConfig(root=s["root"], name=s.get("name"), kind=s.get("kind"))
        for rule_id, values in (s.get("rules") or {}).items():
            site.rules[rule_id] = _check_params(f"{where}.rules", rule_id, values, loc)
        for col, ctype in (s.get("columns") or {}).items():
            if ctype not in COLUMN_TYPES:
                raise ConfigError(f"{loc}{where}.columns: '{col}' has unknown type '{ctype}' (known: {', '.join(COLUMN_TYPES)})")
            site.columns[col] = ctype
        cfg.sites.append(site)
    return cfg


def load_config(path: str | Path | None, holidays: str | Path | None = None) -> Config:
    cfg = Config()
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise ConfigError(f"{p}: no such config file") from None
        except IsADirectoryError:
            raise ConfigError(f"{p}: is a directory, not a config file") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from None
        try:
            cfg = parse_config(data, str(p), text)
        except ConfigError as exc:
            raise ConfigError(f"{p}: {exc}") from None
    if holidays is not None:
        try:
            cfg.calendar = WorkdayCalendar.from_file(holidays)
        except (ValueError, OSError) as exc:
            raise ConfigError(f"{holidays}: {exc}") from None
    return cfg
