"""Model factories for tests: units go through the service so that their tree path is right."""

from __future__ import annotations

from typing import Any

import factory

from zona.accounts import services as account_services
from zona.accounts.models import User
from zona.units import services as unit_services
from zona.units.models import Instansi, TpiTeam, Unit


class InstansiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instansi
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Pemerintah Kabupaten Contoh {n}")
    slug = factory.Sequence(lambda n: f"kab-contoh-{n}")
    kind = Instansi.Kind.KABUPATEN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def saved(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


def make_unit(
    instansi: Instansi, name: str, *, parent: Unit | None = None, kind: str = Unit.Kind.DINAS, **fields: Any
) -> Unit:
    return unit_services.unit_create(instansi=instansi, name=name, kind=kind, parent=parent, **fields)


def make_user(
    username: str,
    role: str | None = None,
    *,
    instansi: Instansi | None = None,
    unit: Unit | None = None,
    tpi_team: TpiTeam | None = None,
) -> User:
    user = UserFactory(username=username)
    if role is not None:
        assert instansi is not None
        account_services.role_assign(user=user, role=role, instansi=instansi, unit=unit, tpi_team=tpi_team)
    return user
