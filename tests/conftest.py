from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from zona.lke.framework import Framework, build_framework

pytest_plugins = ["tests.browser.fixtures"]

DATA_DIR = Path(__file__).resolve().parent.parent / "zona" / "frameworks" / "data"
LKE_2021 = DATA_DIR / "permenpanrb-90-2021.yaml"
LKE_2014 = DATA_DIR / "permenpanrb-52-2014.yaml"

_cache: dict[Path, dict[str, Any]] = {}


def framework_data(path: Path = LKE_2021) -> dict[str, Any]:
    """A fresh deep copy of a shipped framework file's data, safe to mutate in a test."""
    if path not in _cache:
        _cache[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[path])


@pytest.fixture(scope="session")
def lke2021() -> Framework:
    return build_framework(framework_data(LKE_2021))


@pytest.fixture(scope="session")
def lke2014() -> Framework:
    return build_framework(framework_data(LKE_2014))


def best_raw(framework: Framework) -> dict[str, Any]:
    """The best answer to every item, as a person would type it."""
    answers: dict[str, Any] = {}
    for code, item in framework.items.items():
        answer_type = framework.answer_type(item)
        if answer_type.kind == "choice":
            answers[code] = answer_type.best_option
        elif answer_type.kind == "index":
            answers[code] = float(answer_type.max or 4)
        else:
            answers[code] = 100
    return answers


def worst_raw(framework: Framework, item_code: str) -> Any:
    answer_type = framework.answer_type(framework.items[item_code])
    if answer_type.kind == "choice":
        return min(answer_type.options, key=lambda key: answer_type.options[key])
    return 0


class Regency:
    """Two instansi: Belitung Timur (units A, A's child A1, B; a TPI team on A) and another (unit C)."""

    def __init__(self) -> None:
        from tests.factories import InstansiFactory, make_unit, make_user
        from zona.accounts.models import Role
        from zona.units import services as unit_services
        from zona.units.models import Unit

        self.instansi = InstansiFactory(name="Pemerintah Kabupaten Belitung Timur", slug="beltim")
        self.other_instansi = InstansiFactory(name="Pemerintah Kabupaten Lain", slug="lain")
        self.unit_a = make_unit(self.instansi, "Dinas Kependudukan dan Pencatatan Sipil", serves_public=True)
        self.unit_a1 = make_unit(
            self.instansi,
            "UPT Pelayanan Dukcapil Manggar",
            parent=self.unit_a,
            kind=Unit.Kind.UPT,
            serves_public=True,
        )
        self.unit_b = make_unit(self.instansi, "Kecamatan Gantung", kind=Unit.Kind.KECAMATAN)
        self.unit_c = make_unit(self.other_instansi, "Dinas Kesehatan Kabupaten Lain")
        self.tpi_team = unit_services.tpi_team_create(
            instansi=self.instansi, name="TPI Inspektorat 1", actor=None
        )
        unit_services.tpi_team_assign_units(team=self.tpi_team, units=[self.unit_a], actor=None)
        self.koordinator = make_user("koordinator", Role.KOORDINATOR, instansi=self.instansi)
        self.evaluator = make_user("tpi1", Role.EVALUATOR, instansi=self.instansi, tpi_team=self.tpi_team)
        self.ketua_a = make_user("ketua-a", Role.KETUA_TIM, instansi=self.instansi, unit=self.unit_a)
        self.anggota_a = make_user("anggota-a", Role.ANGGOTA_TIM, instansi=self.instansi, unit=self.unit_a)
        self.operator_a = make_user("operator-a", Role.OPERATOR, instansi=self.instansi, unit=self.unit_a)
        self.operator_b = make_user("operator-b", Role.OPERATOR, instansi=self.instansi, unit=self.unit_b)
        self.pimpinan = make_user("pimpinan", Role.PIMPINAN, instansi=self.instansi)
        self.pengawas = make_user("pengawas", Role.PENGAWAS, instansi=self.instansi)
        self.other_koordinator = make_user("koordinator-lain", Role.KOORDINATOR, instansi=self.other_instansi)
        self.nobody = make_user("tanpa-peran")
        from zona.accounts import services as account_services

        account_services.overseer_publish(user=self.pengawas, unit=self.unit_b, actor=self.koordinator)


@pytest.fixture
def regency(db) -> Regency:
    return Regency()
