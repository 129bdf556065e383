from __future__ import annotations

import pytest

from zona.accounts.models import OverseerGrant, Role, RoleAssignment, User
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Pelangi-Manggar-2026"


def _new_user(**overrides):
    data = {
        "full_name": "Siti Aminah",
        "username": "siti",
        "email": "siti@example.go.id",
        "nip": "198001012005012001",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "role": Role.OPERATOR,
        "unit": "",
        "tpi_team": "",
    }
    data.update(overrides)
    return data


def test_users_page_lists_only_the_koordinators_instansi_with_roles(
    client, regency, django_assert_max_num_queries
):
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/akun/pengguna/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "operator-a" in body and "tpi1" in body and "Evaluator TPI" in body
    assert "koordinator-lain" not in body and "tanpa-peran" not in body


def test_users_page_query_count_does_not_grow_with_users(client, regency, django_assert_max_num_queries):
    from tests.factories import make_user

    for n in range(30):
        make_user(f"op{n}", Role.OPERATOR, instansi=regency.instansi, unit=regency.unit_b)
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(12):
        assert client.get("/akun/pengguna/").status_code == 200


@pytest.mark.parametrize("username", ["operator-a", "ketua-a", "pimpinan", "tpi1", "pengawas", "tanpa-peran"])
def test_non_koordinator_cannot_manage_users_or_read_the_audit(client, regency, username):
    client.force_login(User.objects.get(username=username))
    assert client.get("/akun/pengguna/").status_code == 403
    assert client.get("/akun/pengguna/baru/").status_code == 403
    assert client.get(f"/akun/pengguna/{regency.operator_a.pk}/").status_code in (403, 404)
    assert client.post(
        f"/akun/pengguna/{regency.operator_a.pk}/peran/", {"role": Role.KOORDINATOR}
    ).status_code in (403, 404)
    assert client.get("/audit/").status_code == 403
    assert not RoleAssignment.objects.filter(user=regency.operator_a, role=Role.KOORDINATOR).exists()


def test_unit_scoped_koordinator_is_not_a_user_manager(client, regency):
    from tests.factories import make_user

    scoped = make_user("koordinator-unit", Role.KOORDINATOR, instansi=regency.instansi, unit=regency.unit_a)
    client.force_login(scoped)
    assert client.get("/akun/pengguna/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_koordinator_of_another_instansi_gets_404_on_our_users(client, regency):
    client.force_login(regency.other_koordinator)
    target = regency.operator_a
    assert client.get(f"/akun/pengguna/{target.pk}/").status_code == 404
    assignment = target.role_assignments.get()
    response = client.post(f"/akun/pengguna/{target.pk}/peran/{assignment.pk}/cabut/")
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.revoked_at is None
    body = client.get("/akun/pengguna/").content.decode()
    assert "operator-a" not in body


def test_koordinator_creates_a_user_with_a_first_role(client, regency):
    client.force_login(regency.koordinator)
    assert client.get("/akun/pengguna/baru/").status_code == 200
    response = client.post("/akun/pengguna/baru/", _new_user(unit=regency.unit_b.pk))
    user = User.objects.get(username="siti")
    assert response.status_code == 302 and response["Location"] == f"/akun/pengguna/{user.pk}/"
    assert user.full_name == "Siti Aminah" and user.nip == "198001012005012001"
    assert user.check_password(GOOD_PASSWORD)
    role = user.role_assignments.get()
    assert (role.role, role.unit, role.instansi, role.granted_by) == (
        Role.OPERATOR,
        regency.unit_b,
        regency.instansi,
        regency.koordinator,
    )
    created = AuditEvent.objects.get(event="user.created", object_id=str(user.pk))
    assert created.actor_id == regency.koordinator.pk and created.instansi_id == regency.instansi.pk
    assigned = AuditEvent.objects.get(event="role.assigned", object_id=str(role.pk))
    assert assigned.changes["role"] == [None, Role.OPERATOR]
    assert assigned.changes["unit"] == [None, regency.unit_b.pk]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1", "terlalu"),
        ({"password2": "Lain-Sekali-2026"}, "password2", ""),
        ({"username": "operator-a"}, "username", "sudah dipakai"),
        ({"unit": ""}, "unit", "harus terikat pada satu unit"),
        ({"role": Role.EVALUATOR}, "tpi_team", "tim penilai internal"),
        ({"email": "bukan-email"}, "email", ""),
    ],
)
def test_bad_user_input_is_refused_with_a_message_and_writes_nothing(
    client, regency, overrides, field, message
):
    client.force_login(regency.koordinator)
    before = AuditEvent.objects.count()
    data = _new_user(unit=regency.unit_b.pk)
    data.update(overrides)
    response = client.post("/akun/pengguna/baru/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message.lower() in " ".join(form.errors[field]).lower()
    assert not User.objects.filter(username="siti").exists()
    assert AuditEvent.objects.count() == before


def test_unit_of_another_instansi_cannot_be_chosen(client, regency):
    client.force_login(regency.koordinator)
    response = client.post("/akun/pengguna/baru/", _new_user(unit=regency.unit_c.pk))
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not User.objects.filter(username="siti").exists()


def test_koordinator_assigns_and_revokes_a_role_with_audit(client, regency):
    client.force_login(regency.koordinator)
    target = regency.operator_b
    response = client.post(
        f"/akun/pengguna/{target.pk}/peran/", {"role": Role.KETUA_TIM, "unit": regency.unit_b.pk}
    )
    assert response.status_code == 302
    role = RoleAssignment.objects.get(user=target, role=Role.KETUA_TIM)
    assigned = AuditEvent.objects.filter(event="role.assigned").latest("seq")
    assert assigned.object_id == str(role.pk) and assigned.actor_id == regency.koordinator.pk
    assert assigned.changes["role"] == [None, Role.KETUA_TIM] and assigned.instansi_id == regency.instansi.pk

    detail = client.get(f"/akun/pengguna/{target.pk}/").content.decode()
    assert "Ketua tim ZI" in detail and "Cabut peran" in detail

    response = client.post(f"/akun/pengguna/{target.pk}/peran/{role.pk}/cabut/")
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.revoked_at is not None
    revoked = AuditEvent.objects.filter(event="role.revoked").latest("seq")
    assert revoked.object_id == str(role.pk) and revoked.changes["role"] == [Role.KETUA_TIM, None]
    assert revoked.actor_id == regency.koordinator.pk
    assert client.get(f"/akun/pengguna/{target.pk}/peran/{role.pk}/cabut/").status_code == 405


def test_revoked_role_stops_granting_access(client, regency):
    client.force_login(regency.koordinator)
    role = regency.operator_a.role_assignments.get()
    client.post(f"/akun/pengguna/{regency.operator_a.pk}/peran/{role.pk}/cabut/")
    from zona.accounts import permissions

    fresh = User.objects.get(pk=regency.operator_a.pk)
    assert not permissions.can(fresh, permissions.Action.VIEW, regency.unit_a)
    # Still listed (with no active role), so the coordinator can give a new one.
    assert client.get(f"/akun/pengguna/{regency.operator_a.pk}/").status_code == 200


def test_koordinator_cannot_revoke_their_own_koordinator_role(client, regency):
    client.force_login(regency.koordinator)
    role = regency.koordinator.role_assignments.get(role=Role.KOORDINATOR)
    response = client.post(f"/akun/pengguna/{regency.koordinator.pk}/peran/{role.pk}/cabut/", follow=True)
    role.refresh_from_db()
    assert role.revoked_at is None
    assert "tidak dapat mencabut peran koordinator Anda sendiri" in response.content.decode()


def test_evaluator_role_needs_a_tpi_team_and_no_unit(client, regency):
    client.force_login(regency.koordinator)
    url = f"/akun/pengguna/{regency.operator_b.pk}/peran/"
    response = client.post(
        url, {"role": Role.EVALUATOR, "unit": regency.unit_b.pk, "tpi_team": regency.tpi_team.pk}
    )
    assert response.status_code == 400 and "unit" in response.context["role_form"].errors
    response = client.post(url, {"role": Role.EVALUATOR, "tpi_team": regency.tpi_team.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=regency.operator_b, role=Role.EVALUATOR, tpi_team=regency.tpi_team
    ).exists()


def test_koordinator_publishes_and_unpublishes_a_unit_to_a_pengawas(client, regency):
    client.force_login(regency.koordinator)
    pengawas = regency.pengawas
    body = client.get(f"/akun/pengguna/{pengawas.pk}/").content.decode()
    assert "Publikasikan" in body and regency.unit_b.name in body
    response = client.post(f"/akun/pengguna/{pengawas.pk}/publikasi/", {"unit": regency.unit_a.pk})
    assert response.status_code == 302
    grant = OverseerGrant.objects.get(user=pengawas, unit=regency.unit_a)
    event = AuditEvent.objects.filter(event="overseer.published").latest("seq")
    assert event.object_id == str(grant.pk) and event.changes["unit"] == [None, regency.unit_a.pk]
    response = client.post(f"/akun/pengguna/{pengawas.pk}/publikasi/{grant.pk}/hapus/")
    assert response.status_code == 302
    assert not OverseerGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(event="overseer.unpublished", object_id=str(grant.pk)).exists()


def test_publishing_to_someone_who_is_not_a_pengawas_is_refused(client, regency):
    client.force_login(regency.koordinator)
    response = client.post(f"/akun/pengguna/{regency.operator_a.pk}/publikasi/", {"unit": regency.unit_a.pk})
    assert response.status_code == 400
    assert "bukan pengawas" in response.content.decode()
    assert not OverseerGrant.objects.filter(user=regency.operator_a).exists()
