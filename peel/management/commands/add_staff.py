"""Add a member of staff in one of the two roles, or change the role of one who exists.

    manage.py add_staff edna --role editor
    manage.py add_staff pat --role publisher --email pat@example.org

The password is asked for twice, or read from the environment variable PEEL_STAFF_PASSWORD when set (for
scripts); it must pass the site's password rules. An editor writes drafts and sends them for review; a
publisher also approves, schedules, publishes and withdraws. Neither is a superuser.
"""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from peel.publishing.roles import EDITORS, PUBLISHERS

ROLES = {"editor": EDITORS, "publisher": PUBLISHERS}
PASSWORD_VARIABLE = "PEEL_STAFF_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = "Add a member of staff as an editor or a publisher (or change the role of one who exists)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        password = self._password(user)
        with transaction.atomic():
            user.email = email or user.email
            user.is_staff, user.is_active = True, True
            if password:
                user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
            user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(f"{username} is now {'an' if role == 'editor' else 'a'} {role}.")

    def _password(self, user):
        """The new password, or "" to keep an existing member's."""
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if user.pk is not None:
                return ""
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
