"""govaudit.toml: threshold overrides per rule and per site, column type pins.

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

Every key is checked: an unknown rule, parameter or column type is an error.
"""

from __future__ import annotations

import dataclasses
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


@dataclass
class Config:
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    sites: list[SiteConfig] = field(default_factory=list)
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    source: str | None = None

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
        return {"source": self.source, "rules": self.rules, "sites": [dataclasses.asdict(s) for s in self.sites]}


def _check_params(where: str, rule_id: str, values: Any) -> dict[str, Any]:
    from audits.registry import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        raise ConfigError(f"{where}: unknown rule '{rule_id}' (see 'govaudit rules')")
    if not isinstance(values, dict):
        raise ConfigError(f"{where}.{rule_id}: expected a table of parameters")
    fields = {f.name: f for f in dataclasses.fields(rule.params)}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise ConfigError(f"{where}.{rule_id}: unknown parameter '{key}' (known: {known})")
        default = fields[key].default
        if isinstance(default, bool) != isinstance(value, bool) or (
            isinstance(default, (int, float)) and not isinstance(value, (int, float))
        ) or (isinstance(default, str) and not isinstance(value, str)):
            raise ConfigError(f"{where}.{rule_id}.{key}: expected {type(default).__name__}, got {value!r}")
        if isinstance(default, (tuple, list)) and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise ConfigError(f"{where}.{rule_id}.{key}: expected a list of strings, got {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{where}.{rule_id}.{key}: must not be negative")
    return dict(values)


def parse_config(data: dict[str, Any], source: str | None = None) -> Config:
    cfg = Config(source=source)
    for key in data:
        if key not in ("rules", "site"):
            raise ConfigError(f"unknown section '{key}' (expected [rules.<id>] or [[site]])")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError("[rules] must be a table")
    for rule_id, values in rules.items():
        cfg.rules[rule_id] = _check_params("rules", rule_id, values)
    sites = data.get("site", [])
    if not isinstance(sites, list):
        raise ConfigError("site must be an array of tables: [[site]]")
    for n, s in enumerate(sites, 1):
        where = f"site #{n}"
        if not isinstance(s, dict) or not isinstance(s.get("root"), str) or not s["root"].startswith(("http://", "https://")):
            raise ConfigError(f"{where}: needs root = \"http(s)://…\"")
        unknown = set(s) - {"root", "name", "kind", "rules", "columns"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if s.get("kind") not in (None, *SITE_KINDS):
            raise ConfigError(f"{where}: unknown kind '{s['kind']}' (known: {', '.join(SITE_KINDS)})")
        site = SiteConfig(root=s["root"], name=s.get("name"), kind=s.get("kind"))
        for rule_id, values in (s.get("rules") or {}).items():
            site.rules[rule_id] = _check_params(f"{where}.rules", rule_id, values)
        for col, ctype in (s.get("columns") or {}).items():
            if ctype not in COLUMN_TYPES:
                raise ConfigError(f"{where}.columns: '{col}' has unknown type '{ctype}' (known: {', '.join(COLUMN_TYPES)})")
            site.columns[col] = ctype
        cfg.sites.append(site)
    return cfg


def load_config(path: str | Path | None, holidays: str | Path | None = None) -> Config:
    cfg = Config()
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: no such config file") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from None
        cfg = parse_config(data, str(p))
    if holidays is not None:
        try:
            cfg.calendar = WorkdayCalendar.from_file(holidays)
        except (ValueError, OSError) as exc:
            raise ConfigError(f"{holidays}: {exc}") from None
    return cfg
