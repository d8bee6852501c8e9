"""manage.py add_staff: a member of staff in one role, with a password that passes the site's rules."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

GOOD = "correct horse battery staple 42"


def test_adds_an_editor_who_may_not_publish(monkeypatch):
    monkeypatch.setenv("PEEL_STAFF_PASSWORD", GOOD)
    call_command("add_staff", "edna", "--role", "editor")
    edna = User.objects.get(username="edna")
    assert edna.is_staff and not edna.is_superuser and edna.check_password(GOOD)
    assert list(edna.groups.values_list("name", flat=True)) == ["Editors"]
    assert edna.has_perm("inspections.change_assessment") and not edna.has_perm("inspections.publish_assessment")


def test_changing_a_role_leaves_one_role(monkeypatch):
    monkeypatch.setenv("PEEL_STAFF_PASSWORD", GOOD)
    call_command("add_staff", "pat", "--role", "editor")
    call_command("add_staff", "pat", "--role", "publisher")
    pat = User.objects.get(username="pat")
    assert list(pat.groups.values_list("name", flat=True)) == ["Publishers"]
    assert pat.has_perm("inspections.publish_assessment")


def test_a_weak_password_is_refused_and_nobody_is_added(monkeypatch):
    monkeypatch.setenv("PEEL_STAFF_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("add_staff", "weak", "--role", "publisher")
    assert not User.objects.filter(username="weak").exists()
