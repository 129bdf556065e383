"""Login lock-out per username+address (axes) and per address across usernames (zona.accounts.lockout)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user
from zona.accounts.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def login(client: Client, username: str, password: str = PASSWORD, address: str = "198.51.100.9"):
    return client.post("/akun/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def five_users(regency):
    return [
        make_user(f"pegawai-{n}", Role.ANGGOTA_TIM, instansi=regency.instansi, unit=regency.unit_a)
        for n in range(5)
    ]


def test_five_users_times_four_guesses_from_one_address_lock_that_address(client, regency, five_users):
    statuses = [
        login(client, user.username, "tebakan-salah").status_code
        for user in five_users
        for _guess in range(4)
    ]
    assert statuses[:19] == [200] * 19  # each username stays under its own limit of 5
    assert statuses[19] == 429  # the 20th failure from the address locks it
    response = login(client, "operator-a")  # even a right password of a sixth account, from that address
    assert response.status_code == 429
    body = response.content.decode()
    assert "dari alamat jaringan ini" in body and "coba lagi setelah 30 menit" in body
    assert "_auth_user_id" not in client.session
    other = Client()
    assert (
        login(other, "operator-a", address="198.51.100.10").status_code == 302
    )  # other addresses unaffected


def test_the_per_username_limit_still_locks_first(client, regency):
    for _ in range(5):
        login(client, "operator-a", "salah-sekali")
    response = login(client, "operator-a")
    assert response.status_code == 429 and "untuk akun ini dari perangkat ini" in response.content.decode()
    assert login(Client(), "operator-b").status_code == 302


def test_a_few_typos_by_many_people_behind_one_address_do_not_lock_it(client, regency, five_users):
    for user in five_users:
        for _ in range(3):
            login(client, user.username, "salah-ketik")
    assert login(Client(), "operator-a").status_code == 302  # 15 < 20 from the office's one NAT address


def test_the_address_limit_is_a_setting(client, regency, five_users, settings):
    settings.ZONA_LOGIN_FAILURES_PER_ADDRESS = 3
    for user in five_users[:3]:
        login(client, user.username, "salah")
    assert login(client, "operator-a").status_code == 429
