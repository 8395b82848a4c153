"""Password guessing: after AXES_FAILURE_LIMIT wrong passwords for one user from one address, that pair is locked
out (django-axes), the right password included, until the cool-off ends or an admin runs `axes_reset`."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

GUESSES = 200


def _login(client: Client, username: str, password: str, *, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_two_hundred_wrong_passwords_lock_the_account_on_that_address_with_a_clear_message():
    user = UserFactory(username="guessed-official", role="official")
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [_login(client, user.username, f"wrong-{n}").status_code for n in range(GUESSES)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(answers[limit:]) == {429}

    right = _login(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    text = right.content.decode()
    assert "登录已锁定" in text and f"连续 {limit} 次密码错误" in text

    # Another address is not locked out for this user, and another user not from this address.
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), user.username, PASSWORD).status_code == 302
    other = UserFactory(username="other-official", role="official")
    assert _login(Client(REMOTE_ADDR="203.0.113.7"), other.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_speaks_english_on_the_english_site():
    user = UserFactory(username="guessed-en", role="official")
    client = Client(REMOTE_ADDR="203.0.113.8")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, f"wrong-{n}")
    text = _login(client, user.username, PASSWORD).content.decode()
    assert "Sign-in locked" in text


@pytest.mark.django_db
def test_axes_reset_unlocks_and_the_right_password_works_again():
    user = UserFactory(username="locked-reviewer", role="reviewer")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, f"wrong-{n}")
    assert _login(client, user.username, PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_the_admin_sign_in_is_locked_out_too():
    admin = UserFactory(username="guessed-admin", role="admin", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="203.0.113.10")
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": admin.username, "password": f"wrong-{n}", "next": "/admin/"})
    response = client.post(url, {"username": admin.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
