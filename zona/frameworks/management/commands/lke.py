"""`zona lke template --framework CODE OUT.xlsx` and `zona lke score FILE [--framework CODE] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.core.spreadsheets import first_problems
from zona.frameworks.selectors import framework_engine_for
from zona.lke.answers import parse_answers
from zona.lke.answers_file import MAX_JSON_BYTES, read_answers_json
from zona.lke.excel import read_workbook, write_workbook
from zona.lke.framework import Framework, FrameworkInvalid
from zona.lke.numbers import format_id
from zona.lke.official import (
    LayerData,
    has_layout,
    layout_for,
    read_official,
    sheet_is_official,
    workbook_framework_code,
    write_official,
)
from zona.lke.scoring import AREA_RULE_TEXT, ROUNDING_TEXT, ScoreResult, score

DEFAULT_FRAMEWORK = "permenpanrb-90-2021"


class Command(BaseCommand):
    help = "Write an LKE Excel template, or score a filled one (.xlsx) or a JSON answers file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        template = sub.add_parser("template", help="write an empty LKE worksheet")
        template.add_argument("out")
        template.add_argument("--framework", default=DEFAULT_FRAMEWORK)
        template.add_argument(
            "--bentuk",
            choices=("zona", "resmi"),
            default="zona",
            help="zona: Zona's own layout; resmi: the official LKE sheet (PermenPANRB 90/2021 Lampiran III)",
        )
        score_parser = sub.add_parser("score", help="score a filled worksheet or a JSON answers file")
        score_parser.add_argument("file")
        score_parser.add_argument("--framework", default=None)
        score_parser.add_argument("--json", action="store_true", dest="as_json")
        score_parser.add_argument("--gains", type=int, default=10, help="how many gains to show")
        score_parser.add_argument(
            "--lapis",
            choices=("unit", "tpi"),
            default="unit",
            help="which answers of an official LKE sheet (LKE resmi) with unit and TPI columns to score",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "template":
            self.template(options["out"], options["framework"], options["bentuk"])
        else:
            self.score(
                options["file"], options["framework"], options["as_json"], options["gains"], options["lapis"]
            )

    def fail(self, problems: list[str]) -> None:
        for problem in first_problems(problems):
            self.stderr.write(problem)
        raise CommandError(f"{len(problems)} masalah ditemukan; tidak dinilai", returncode=2)

    def engine(self, reference: str) -> Framework:
        try:
            return framework_engine_for(reference)
        except FrameworkInvalid as exc:
            self.fail(exc.problems)
            raise AssertionError from exc  # unreachable: fail() raises
        except (OSError, ValueError) as exc:
            self.fail([f"kerangka {reference[:100]!r} tidak dapat dibaca ({str(exc)[:100]})"])
            raise AssertionError from exc  # unreachable: fail() raises

    def template(self, out: str, reference: str, shape: str = "zona") -> None:
        framework = self.engine(reference)
        if shape == "resmi" and not has_layout(framework.code):
            self.fail([f"kerangka {framework.code} belum memiliki tata letak LKE resmi"])
        try:
            if shape == "resmi":
                write_official(framework, layout_for(framework), out, unit=LayerData({}))
            else:
                write_workbook(framework, out)
        except OSError as exc:
            self.fail([f"{out}: tidak dapat ditulis ({exc.strerror})"])
        self.stdout.write(f"{out}: lembar kerja {framework.code} ({len(framework.items)} butir)")

    def official(self, path: Path, reference: str | None, layer: str) -> tuple[Framework, Any, Any] | None:
        """An official-shape sheet (LKE resmi): its framework and the chosen layer's answers; else None."""
        framework = self.engine(reference or workbook_framework_code(path) or DEFAULT_FRAMEWORK)
        if not has_layout(framework.code):
            return None
        layout = layout_for(framework)
        if not sheet_is_official(path, layout):
            return None
        sheet = read_official(path, framework, layout)
        if sheet.problems:
            self.fail([f"{path}: {problem}" for problem in sheet.problems])
        chosen = sheet.layer(layer)
        if chosen is None:
            self.fail([f"{path}: lembar LKE resmi ini tidak memiliki kolom jawaban TPI"])
            raise AssertionError  # unreachable: fail() raises
        return framework, chosen.answers, chosen.cells

    def score(self, name: str, reference: str | None, as_json: bool, gains: int, layer: str = "unit") -> None:
        path = Path(name)
        if not path.is_file():
            self.fail([f"{name}: berkas tidak ditemukan"])
        where: dict[str, str] = {}
        code_in_file: str | None
        official = (
            self.official(path, reference, layer) if path.suffix.lower() in (".xlsx", ".xlsm") else None
        )
        if official is not None:
            framework, raw, where = official
            reference = framework.code
            code_in_file = framework.code
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            sheet = read_workbook(path)
            if sheet.problems:
                self.fail([f"{name}: {problem}" for problem in sheet.problems])
            raw = sheet.answers
            where = sheet.cells
            code_in_file = sheet.framework_code
        else:
            try:
                if path.stat().st_size > MAX_JSON_BYTES:
                    self.fail([f"{name}: berkas terlalu besar (paling besar {MAX_JSON_BYTES // 2**20} MB)"])
                content = path.read_bytes()
            except OSError as exc:
                self.fail([f"{name}: berkas tidak dapat dibaca ({exc.strerror})"])
            parsed = read_answers_json(content)
            if parsed.problems:
                self.fail([f"{name}: {problem}" for problem in parsed.problems])
            raw = parsed.answers
            code_in_file = parsed.framework_code
        framework = self.engine(reference or code_in_file or DEFAULT_FRAMEWORK)
        answers, problems = parse_answers(framework, raw, where=where)
        if problems:
            self.fail([str(problem) for problem in problems])
        result = score(framework, answers)
        if as_json:
            self.stdout.write(json.dumps(result.to_dict(gains_limit=gains), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(result, gains))


def render_text(result: ScoreResult, gains: int) -> str:
    fw = result.framework
    d = fw.settings.display_decimals

    def f(value: Any) -> str:
        return "-" if value is None else format_id(value, d)

    lines = [f"{fw.name}", ""]
    aspects = f"{'Pemenuhan':>10} {'Reform':>10} " if fw.aspects else ""  # 52/2014 has no aspects
    lines.append(f"{'Area':<44} {aspects}{'Nilai':>8} {'Bobot':>7} {'%':>8}")
    for area in result.areas:
        by_aspect = f"{f(area.pemenuhan):>10} {f(area.reform):>10} " if fw.aspects else ""
        lines.append(
            f"{area.number}. {area.name:<41} {by_aspect}"
            f"{f(area.score):>8} {f(area.weight):>7} {f(area.percent):>8}"
        )
    lines.append("")
    if fw.aspects:
        lines.append(f"Pemenuhan  {f(result.pemenuhan):>8}")
        lines.append(f"Reform     {f(result.reform):>8}")
        lines.append(f"Pengungkit {f(result.pengungkit):>8}")
    else:  # the sheet's own name for the component (52/2014: "PROSES")
        lines.append(f"{fw.nodes[fw.components['pengungkit']].name:<10} {f(result.pengungkit):>8}")
    hasil_root = fw.components["hasil"]
    for child in fw.nodes[hasil_root].children:
        lines.append(f"  {fw.nodes[child].name:<40} {f(result.node(child)):>8}")
        for grandchild in fw.nodes[child].children:
            lines.append(f"    {fw.nodes[grandchild].name:<38} {f(result.node(grandchild)):>8}")
    lines.append(f"Hasil      {f(result.hasil):>8}")
    lines.append(f"TOTAL      {f(result.total):>8}")
    c = result.completeness
    lines.append(f"Kelengkapan: {c.answered}/{c.total} butir terjawab ({f(c.percent)} %)")
    lines.append("")
    for verdict in result.predicates.values():
        state = "MEMENUHI" if verdict.eligible else "BELUM MEMENUHI"
        extra = f" (syarat lain: predikat {', '.join(verdict.requires).upper()})" if verdict.requires else ""
        lines.append(f"{verdict.name}: {state} syarat nilai{extra}")
        lines.extend(f"  - {failure}" for failure in verdict.failed)
        lines.extend(f"  ! Catatan tafsiran: {note.message}" for note in verdict.readings)
    settings = fw.settings
    # the per-area rule only means something where a framework splits its areas into aspects (90/2021)
    area_rule = f"; {AREA_RULE_TEXT[settings.area_rule]}" if fw.aspects else ""
    lines.append(f"Tafsiran: ambang diuji pada {ROUNDING_TEXT[settings.threshold_rounding]}{area_rule}")
    if result.zero_denominators:
        lines.append("")
        lines.append("Pembagi 0 (aturan berkas kerangka):")
        lines.extend(f"  {entry.message}" for entry in result.zero_denominators)
    if result.gains and gains:
        lines.append("")
        lines.append(f"{min(gains, len(result.gains))} butir yang paling menaikkan nilai:")
        for gain in result.gains[:gains]:
            lines.append(
                f"  +{f(gain.points):>6}  {gain.code:<14} {gain.current} → {gain.best}  {gain.question[:70]}"
            )
    return "\n".join(lines)
