"""Importers plug into the framework here; an app registers them in its ``exchange.py`` module.

    from tuijin.exchange.base import Importer, ImportSummary, RowErrors, register
    from tuijin.sheets.tabular import CellError, Column

    @register
    class TargetImporter(Importer):
        name = "targets"                  # tuijin import targets FILE --zone CODE; /exchange/targets/import/
        title = "年度目标"                 # template file name and sheet title
        key = None                        # a field (or tuple of fields) unique within one file, if any
        def columns(self, zone): return [Column("年度", "year", "integer", required=True), ...]
        def apply(self, rows, *, zone, member, confirmed=False):
            ...  # resolve references, check scope; raise RowErrors([...]) listing every problem
            ...  # upsert; record_bulk(...) for bulk writes
            return ImportSummary(created=..., updated=..., unchanged=..., changes=[...])
        def export_rows(self, *, zone, member, filters): return [{"year": 2023, ...}, ...]

``run_import`` reads, validates and applies in ONE transaction: any error — in a cell, or found while applying
(``RowErrors``) — and nothing is written. ``dry_run`` runs ``apply`` and rolls back, which gives the preview.
Values a person must confirm (``NeedsConfirmation``) stop the import until it is run again with ``confirmed``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tuijin.core.registry import app_modules
from tuijin.sheets.tabular import CellError, Column, FileProblem, ParseResult, Row, Table, parse_table, read_table

_REGISTRY: dict[str, type[Importer]] = {}


class NeedsConfirmation(Exception):
    """The file is valid but holds values a person must confirm (a falling year-to-date value, a 10,000× jump)."""

    def __init__(self, warnings: list[str]):
        super().__init__("; ".join(warnings[:5]))
        self.warnings = warnings


class RowErrors(Exception):
    """Errors found while applying rows (unknown references, scope, rule violations); rolls everything back."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)  # preview rows: {"row", "key", "action", "fields"}
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        return f"新增 {self.created} 条,更新 {self.updated} 条,未变 {self.unchanged} 条"

    def created_row(self, row: int, key, fields) -> None:
        self.created += 1
        self.changes.append({"row": row, "key": key, "action": "新增", "fields": fields})

    def updated_row(self, row: int, key, fields) -> None:
        """A row that changed its record (``fields`` names what changed) or, with no ``fields``, left it unchanged."""
        if not fields:
            self.unchanged += 1
            return
        self.updated += 1
        self.changes.append({"row": row, "key": key, "action": "更新", "fields": fields})


@dataclass
class ImportOutcome:
    ok: bool
    summary: ImportSummary | None = None
    errors: list[CellError] = field(default_factory=list)
    message: str = ""
    table: Table | None = None  # as read, for the error workbook
    applied: bool = False
    warnings: list[str] = field(default_factory=list)  # to confirm before the import is applied

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.errors


@dataclass(frozen=True)
class ImportOption:
    """A choice the user makes for a whole import (e.g. what state imported figures take)."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label)
    default: str


class Importer:
    name = ""
    title = ""
    key: str | tuple[str, ...] | None = None  # field(s) unique within one file
    export_title = ""
    options: tuple[ImportOption, ...] = ()
    chosen: dict = {}  # the options of the import being run (set by run_import)

    def option_choices(self, member) -> list[tuple[ImportOption, list[tuple[str, str]]]]:
        """The options and the values this member may choose (all of them unless an importer says otherwise)."""
        return [(o, list(o.choices)) for o in self.options]

    def clean_options(self, given: dict | None, member) -> dict:
        """The options of one import: defaults filled in; a value not offered to this member is refused."""
        given = given or {}
        out = {}
        allowed = dict(self.option_choices(member))
        for option, choices in allowed.items():
            value = given.get(option.name, option.default)
            if value not in dict(choices):
                offered = "、".join(f"{v}({label})" for v, label in choices)
                raise FileProblem(f"选项「{option.label}」不能取「{value}」,可选:{offered}")
            out[option.name] = value
        unknown = set(given) - {o.name for o in self.options}
        if unknown:
            raise FileProblem(f"未知的导入选项「{'、'.join(sorted(unknown))}」")
        return out

    def columns(self, zone) -> list[Column]:
        raise NotImplementedError

    def apply(self, rows: list[Row], *, zone, member, confirmed: bool = False) -> ImportSummary:
        """Upsert the rows through the app's services (the chosen options are in ``self.chosen``); raise RowErrors
        for problems, NeedsConfirmation for values to confirm."""
        raise NotImplementedError

    def can_import(self, member) -> bool:
        """Whether the member may use this import at all (rows are still checked against the data scope)."""
        return bool(member.can_change)

    def template_lists(self, zone, member) -> dict[str, list[str]]:
        """Drop-down options for lookup columns, e.g. {"unit": [unit names]}."""
        return {}

    def export_rows(self, *, zone, member, filters: dict) -> list[dict]:
        raise NotImplementedError(f"{self.name} has no export")


def register(cls: type[Importer]) -> type[Importer]:
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a name")
    _REGISTRY[cls.name] = cls
    return cls


def importers() -> dict[str, type[Importer]]:
    """Every registered importer by name, after importing each tuijin app's ``exchange`` module once."""
    if not getattr(importers, "_loaded", False):
        app_modules("exchange")
        importers._loaded = True
    return _REGISTRY


def get_importer(name: str) -> Importer:
    found = importers().get(name)
    if found is None:
        raise KeyError(f"未知的导入类型「{name}」,可用:{'、'.join(sorted(importers()))}")
    return found()


def _refused(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return ";".join(exc.messages)
    return str(exc) or "超出您的数据权限范围"


def run_import(importer: Importer, data: bytes, filename: str, *, zone, member, dry_run: bool = False,
               confirmed: bool = False, options: dict | None = None) -> ImportOutcome:
    """Read, check and apply a file; all-or-nothing. ``dry_run`` computes the preview and writes nothing;
    values that need a person's confirmation stop the import unless ``confirmed``."""
    try:
        importer.chosen = importer.clean_options(options, member)
        table = read_table(data, filename)
        result: ParseResult = parse_table(table, importer.columns(zone), key=importer.key)
    except FileProblem as exc:
        message = f"表头与模板不符({len(exc.errors)} 处),未导入任何数据" if exc.errors else exc.message
        return ImportOutcome(ok=False, errors=exc.errors, message=message, table=exc.table)
    if result.errors:
        errors = list(result.errors)
        if result.rows:
            # Check the rows that parsed against the database too, so every error comes at once.
            try:
                with transaction.atomic():
                    importer.apply(result.rows, zone=zone, member=member, confirmed=True)
                    transaction.set_rollback(True)
            except RowErrors as exc:
                errors += exc.errors
            except (PermissionDenied, ValidationError):
                pass  # reported once the cell errors are fixed; they name no row
        errors.sort(key=lambda e: e.row)
        return ImportOutcome(ok=False, errors=errors, table=table, message=f"发现 {len(errors)} 处错误,未导入任何数据")
    if not result.rows:
        return ImportOutcome(ok=False, message=f"工作表「{table.sheet}」只有表头,没有数据行", table=table)
    try:
        with transaction.atomic():
            summary = importer.apply(result.rows, zone=zone, member=member, confirmed=confirmed or dry_run)
            if dry_run:
                transaction.set_rollback(True)
    except RowErrors as exc:
        errors = sorted(exc.errors, key=lambda e: e.row)
        return ImportOutcome(ok=False, errors=errors, table=table, message=f"发现 {len(errors)} 处错误,未导入任何数据")
    except NeedsConfirmation as exc:
        return ImportOutcome(ok=False, warnings=exc.warnings, table=table,
                             message=f"有 {len(exc.warnings)} 处数值需要确认,未导入任何数据")
    except (PermissionDenied, ValidationError) as exc:
        return ImportOutcome(ok=False, table=table, message=f"导入被拒绝:{_refused(exc)};未导入任何数据")
    return ImportOutcome(ok=True, summary=summary, table=table, applied=not dry_run, warnings=summary.warnings)
