"""Every staff sign-in, failed sign-in and sign-out, with who, from where and when (the log line's time).

django-axes keeps the same in the database (Access attempts and Access logs in the admin) and decides on
lockouts; this log is for whoever watches the servers' output."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .clients import client_ip

log = logging.getLogger("peel.security")


def _address(request):
    return client_ip(request) if request is not None else "-"


@receiver(user_logged_in, dispatch_uid="peel.security.logins.signed_in")
def signed_in(sender, request, user, **kwargs):
    log.info("Sign-in succeeded: user=%r ip=%s", user.get_username(), _address(request))


@receiver(user_login_failed, dispatch_uid="peel.security.logins.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in credentials; only the username is logged.
    log.warning("Sign-in failed: user=%r ip=%s", credentials.get("username", ""), _address(request))


@receiver(user_logged_out, dispatch_uid="peel.security.logins.signed_out")
def signed_out(sender, request, user, **kwargs):
    log.info("Signed out: user=%r ip=%s", user.get_username() if user else "", _address(request))
