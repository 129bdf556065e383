"""`zona frameworks validate FILE… | load [FILE…] | list | show CODE [--version N]`, and
`zona frameworks validate-mapping [FILE…]`: the reviewed item mappings between frameworks (`data/mappings/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.frameworks import selectors, services
from zona.lke.framework import FrameworkInvalid, framework_warnings, load_framework_file


class Command(BaseCommand):
    help = "Validate, load, list and show LKE framework files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="check framework files; exit 2 naming every problem")
        validate.add_argument("files", nargs="+")
        validate_mapping = sub.add_parser(
            "validate-mapping",
            help="check item mapping files (default: the shipped ones); exit 2 on problems",
        )
        validate_mapping.add_argument("files", nargs="*")
        load = sub.add_parser("load", help="load the shipped framework files (or the given ones)")
        load.add_argument("files", nargs="*")
        sub.add_parser("list", help="list the loaded framework versions")
        show = sub.add_parser("show", help="show a framework's tree")
        show.add_argument("code")
        show.add_argument("--version", dest="framework_version", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action'].replace('-', '_')}")(**options)

    def do_validate_mapping(self, *, files: list[str], **_: Any) -> None:
        paths = [Path(name) for name in files] or selectors.shipped_mapping_files()
        failed = False
        for path in paths:
            try:
                mapping = selectors.mapping_validate_file(path)
            except FrameworkInvalid as exc:
                failed = True
                for problem in exc.problems:
                    self.stderr.write(f"{path}: {problem}")
                continue
            counts = mapping.counts()
            self.stdout.write(
                f"{path}: OK — {mapping.source} → {mapping.target}: {len(mapping.entries)} butir "
                f"({counts['same_question']} pertanyaan sama, {counts['same_evidence']} hanya data dukung, "
                f"{counts['none']} tanpa padanan)"
            )
        if failed:
            raise CommandError("mapping file(s) invalid", returncode=2)

    def do_validate(self, *, files: list[str], **_: Any) -> None:
        failed = False
        for name in files:
            try:
                framework = load_framework_file(name)
            except FrameworkInvalid as exc:
                failed = True
                for problem in exc.problems:
                    self.stderr.write(f"{name}: {problem}")
                continue
            warnings = framework_warnings(framework)
            for warning in warnings:
                self.stdout.write(f"{name}: warning: {warning}")
            self.stdout.write(
                f"{name}: OK — {framework.code}, {len(framework.items)} butir, "
                f"{len(framework.areas)} area{'' if framework.complete else ' (tidak lengkap)'}"
            )
        if failed:
            raise CommandError("framework file(s) invalid", returncode=2)

    def do_load(self, *, files: list[str], **_: Any) -> None:
        paths = [Path(name) for name in files] or services.shipped_framework_files()
        for path in paths:
            try:
                result = services.framework_load_file(path=path)
            except FrameworkInvalid as exc:
                for problem in exc.problems:
                    self.stderr.write(f"{path}: {problem}")
                raise CommandError(f"{path}: not loaded", returncode=2) from exc
            state = "loaded" if result.created else "unchanged"
            self.stdout.write(f"{result.framework} ({path.name}): {state}")

    def do_list(self, **_: Any) -> None:
        rows = selectors.framework_list(latest_only=False)
        if not rows:
            self.stdout.write("No framework loaded yet: run `zona frameworks load`.")
        for fw in rows:
            flag = "" if fw.complete else "  [incomplete]"
            items = fw.item_count  # type: ignore[attr-defined]  # annotated by the selector
            self.stdout.write(f"{fw.code:<28} v{fw.version:<3} {items:>4} items  {fw.name}{flag}")

    def do_show(self, *, code: str, framework_version: int | None = None, **_: Any) -> None:
        fw = selectors.framework_get(code=code, version=framework_version)
        if fw is None:
            raise CommandError(f"framework {code!r} is not loaded", returncode=2)
        engine = fw.engine()
        self.stdout.write(f"{fw.code} v{fw.version} — {fw.name}\n{fw.regulation}\n")

        def show(node_code: str) -> None:
            node = engine.nodes[node_code]
            weight = "?" if node.weight is None else f"{float(node.weight):g}"
            self.stdout.write(f"{'  ' * node.depth}{node.code:<16} {weight:>6}  {node.name}")
            for item_code in node.items:
                if item_code == node_code:
                    continue
                item = engine.items[item_code]
                self.stdout.write(f"{'  ' * (node.depth + 1)}{item.code:<16} {item.type:>6}  {item.question}")
            for child in node.children:
                show(child)

        for root in engine.roots:
            show(root)
