"""Staff sign-in: failed attempts throttled per address and per username, two-factor codes, the sign-in log and
how long a session lasts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"
WRONG = "Please enter the correct username and password"
LOCKED = "Too many failed sign-ins"


@pytest.fixture
def clock(monkeypatch):
    """The time as django-axes and the session store see it, moved on by hand."""
    offset = {"now": timedelta()}
    real_now = timezone.now

    def now():
        return real_now() + offset["now"]

    def advance(**kwargs):
        offset["now"] += timedelta(**kwargs)

    monkeypatch.setattr(timezone, "now", now)
    monkeypatch.setattr("axes.attempts.now", now)
    monkeypatch.setattr("axes.handlers.proxy.now", now)
    return advance


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.org", PASSWORD)


def sign_in(client, username="alice", password=PASSWORD, ip="192.0.2.1", **fields):
    return client.post(LOGIN, {"username": username, "password": password, **fields}, REMOTE_ADDR=ip)


def signed_in(client):
    return client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_thirty_wrong_passwords_are_not_all_answered_alike_and_the_right_one_then_waits(client, staff, clock):
    answers = [sign_in(client, password=f"guess {n}") for n in range(30)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert all(WRONG in a.text for a in answers[:4])
    assert {a.status_code for a in answers[4:]} == {429}  # the fifth failure locks
    assert LOCKED in answers[4].text and "15 minutes" in answers[4].text

    assert sign_in(client).status_code == 429  # the right password, during the lockout
    assert not signed_in(client)

    clock(minutes=16)
    assert sign_in(client).status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_trying_during_a_lockout_does_not_make_it_last_longer(client, staff, clock):
    for n in range(5):
        sign_in(client, password=f"guess {n}")
    for _ in range(10):
        clock(minutes=1)
        assert sign_in(client, password="still guessing").status_code == 429
    clock(minutes=6)  # 16 minutes after the lockout began
    assert sign_in(client).status_code == 302


@pytest.mark.django_db
def test_guessing_one_username_from_many_addresses_locks_that_username_only(client, staff, django_user_model):
    django_user_model.objects.create_superuser("bob", "bob@example.org", PASSWORD)
    for n in range(5):
        sign_in(client, password="guess", ip=f"198.51.100.{n + 1}")
    assert sign_in(client, ip="203.0.113.9").status_code == 429
    assert sign_in(client, username="bob", ip="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_guessing_from_one_address_locks_that_address_for_every_username(client, staff):
    for n in range(5):
        sign_in(client, username=f"someone{n}", password="guess", ip="198.51.100.7")
    assert sign_in(client, ip="198.51.100.7").status_code == 429
    assert sign_in(client, ip="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_a_right_password_clears_the_count(client, staff):
    for n in range(4):
        sign_in(client, password=f"guess {n}")
    assert sign_in(client).status_code == 302
    client.logout()
    for n in range(4):
        assert sign_in(client, password=f"guess {n}").status_code == 200
    assert sign_in(client).status_code == 302


@pytest.mark.django_db
def test_every_sign_in_and_failure_is_logged_with_user_address_and_time(client, staff, caplog, settings):
    caplog.set_level("INFO", logger="peel.security")
    sign_in(client, password="wrong", ip="198.51.100.20")
    sign_in(client, ip="198.51.100.21")
    client.post("/admin/logout/", REMOTE_ADDR="198.51.100.21")
    lines = [r.getMessage() for r in caplog.records if r.name == "peel.security"]
    assert lines == [
        "Sign-in failed: user='alice' ip=198.51.100.20",
        "Sign-in succeeded: user='alice' ip=198.51.100.21",
        "Signed out: user='alice' ip=198.51.100.21",
    ]
    assert "wrong" not in caplog.text  # never the password
    assert "%(asctime)s" in settings.LOGGING["formatters"]["timed"]["format"]


@pytest.mark.django_db
def test_a_session_ends_with_the_browser_and_at_most_eight_hours_after_sign_in(client, staff, clock):
    sign_in(client)
    cookie = client.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    clock(hours=7, minutes=59)
    assert signed_in(client)
    clock(minutes=2)
    assert client.get("/admin/").status_code == 302


# Two-factor sign-in, as production has it.


@pytest.fixture
def two_factor(settings):
    settings.PEEL_REQUIRE_2FA = True


def code(device, later=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - later * device.step, digits=device.digits):06d}"


@pytest.mark.django_db
def test_a_first_sign_in_leads_to_setting_up_an_app_and_nothing_else(client, staff, two_factor, clock):
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").url == "/admin/two-factor/"
    assert client.get("/admin/forces/force/").url == "/admin/two-factor/"

    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert page.context["key"].replace(" ", "") in page.text.replace(" ", "")

    refused = client.post("/admin/two-factor/", {"code": "000000" if code(device) != "000000" else "111111"})
    assert "That code does not match" in refused.text
    assert client.get("/admin/").status_code == 302

    clock(seconds=2)  # django-otp makes each wrong code wait a little longer for the next try
    assert client.post("/admin/two-factor/", {"code": code(device)}).url == "/admin/"
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_once_set_up_a_password_alone_is_refused(client, staff, two_factor, clock):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    answer = sign_in(client)
    assert answer.status_code == 200
    assert "Enter the 6-digit code your authenticator app shows" in answer.text
    assert not signed_in(client)

    assert sign_in(client, otp_token="123 456" if code(device) != "123456" else "654321").status_code == 200
    clock(seconds=2)
    assert sign_in(client, otp_token=code(device)).status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_wrong_codes_count_as_failed_sign_ins(client, staff, two_factor):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    wrong = "000000" if code(device) != "000000" else "111111"
    for _ in range(4):
        assert sign_in(client, otp_token=wrong).status_code == 200
    assert sign_in(client, otp_token=wrong).status_code == 429
    assert sign_in(client, otp_token=code(device)).status_code == 429


@pytest.mark.django_db
def test_a_session_from_before_the_app_was_set_up_must_sign_in_again(client, staff, two_factor):
    client.force_login(staff)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_superuser_can_remove_a_lost_device(client, staff, django_user_model):
    other = django_user_model.objects.create_user("carol", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    client.force_login(staff)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/delete/")
    assert page.status_code == 200
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=other).exists()


@pytest.mark.django_db
def test_the_set_up_page_is_for_signed_in_staff_only(client, django_user_model, two_factor):
    assert client.get("/admin/two-factor/").url.startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("reader", password=PASSWORD))
    assert client.get("/admin/two-factor/").status_code == 403
