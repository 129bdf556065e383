"""Set up the database of a live reliability server: `python -m tests.reliability.seed` (prints JSON).

Runs in its own process with the live server's environment (production settings, its own ZONA_VAR_DIR and
DATABASE_URL): migrate, collect the static files, load the shipped frameworks, then the least a burst
needs — one unit with an operator per client, its ketua tim, an open period on the 90/2021 LKE and the
unit's draft assessment.
"""

from __future__ import annotations

import io
import json
import sys

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    call_command("frameworks", "load", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())

    from tests.assessments.helpers import assessment_of, open_period
    from tests.factories import InstansiFactory, make_unit, make_user
    from zona.accounts.models import Role
    from zona.assessments.selectors.core import engine_for

    class Regency:
        instansi = InstansiFactory(name="Pemerintah Kabupaten Uji Beban", slug="uji-beban")
        unit_a = make_unit(instansi, "Dinas Uji Beban", serves_public=True)
        koordinator = make_user("koordinator", Role.KOORDINATOR, instansi=instansi)

    regency = Regency()
    operators = [
        make_user(f"operator-{n}", Role.OPERATOR, instansi=regency.instansi, unit=regency.unit_a)
        for n in range(4)
    ]
    ketua = make_user("ketua", Role.KETUA_TIM, instansi=regency.instansi, unit=regency.unit_a)
    period = open_period(regency, units=[regency.unit_a])
    assessment = assessment_of(period, regency.unit_a)
    framework = engine_for(assessment)
    choices = {}
    for code, item in framework.items.items():
        answer_type = framework.answer_type(item)
        if answer_type.kind == "choice" and len(answer_type.options) >= 2:
            choices[code] = sorted(answer_type.options)
    json.dump(
        {
            "assessment": assessment.pk,
            "operators": [user.username for user in operators],
            "ketua": ketua.username,
            "password": "rahasia-uji-123",
            "choices": choices,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
