"""Two-factor sign-in for staff: a password and a code from an authenticator app (TOTP, through django-otp).

With PEEL_REQUIRE_2FA on (DJANGO_REQUIRE_2FA; on by default in production), the staff site serves only a
session that has given both. Someone with no app set up yet signs in with their password and is sent straight
to the set-up page, which is all they can reach until a code from the new app is accepted. Anyone who has an
app must give its code with their password. A wrong code counts as a failed sign-in, so django-axes throttles
codes as it does passwords. A lost phone: a superuser deletes that person's device under "TOTP devices" in the
admin, and they set up a new one the next time they sign in.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as verify_session
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        widget = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8})
        super().__init__(label="Code from your authenticator app", max_length=12, widget=widget, **kwargs)

    def to_python(self, value):
        return "".join(super().to_python(value).split())  # apps show "123 456"


class StaffLoginForm(AdminAuthenticationForm):
    """The staff sign-in: username, password, and the app's code for anyone who has set one up."""

    otp_token = CodeField(
        required=False,
        help_text="Leave this empty if you have not set up an authenticator app yet.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is made, so nothing checks it: a longer name
        # reached authenticate(), and django-axes's record of the failure (a 255-character column) made a 500 on
        # PostgreSQL. No account has such a name; it is refused with a message before anyone is looked up.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self):
        cleaned = super().clean()  # the password, and django-axes's lockout
        user = self.get_user()
        if user is None or not user_has_device(user):
            return cleaned
        device = match_token(user, cleaned.get("otp_token", "")) if cleaned.get("otp_token") else None
        if device is None:
            # A wrong code is a failed sign-in, logged and throttled like a wrong password.
            user_login_failed.send(
                sender=type(self), credentials={"username": user.get_username()}, request=self.request
            )
            raise ValidationError(
                "Enter the 6-digit code your authenticator app shows for PEEL now.", code="invalid_otp"
            )
        user.otp_device = device  # django-otp marks the new session as verified by this device
        return cleaned


def needs_second_factor(request):
    user = request.user
    return settings.PEEL_REQUIRE_2FA and user.is_authenticated and user.is_staff and not user.is_verified()


class RequireTwoFactorMiddleware:
    """Sends a staff session that has not given a code to the set-up page, or back to sign in, before it can
    reach anything else on the staff site. Public pages never look at the session here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            staff_site = reverse("admin:index")
        except NoReverseMatch:  # a URL configuration without the staff site
            return self.get_response(request)
        if request.path.startswith(staff_site) and needs_second_factor(request):
            open_paths = {reverse("admin:logout"), reverse("admin-two-factor"), reverse("admin:login")}
            if request.path not in open_paths:
                if user_has_device(request.user):  # a session from before the app was set up elsewhere
                    logout(request)
                    return redirect_to_login(request.get_full_path(), reverse("admin:login"))
                return redirect("admin-two-factor")
        return self.get_response(request)


class SetUpForm(forms.Form):
    code = CodeField()


def grouped(key):
    text = base64.b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@sensitive_post_parameters("code")
def set_up(request):
    """Shows a new authenticator key (a QR code, and the key as text) and confirms it with the first code."""
    from django.contrib import admin

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not user.is_staff:
        raise PermissionDenied
    if user.is_verified() or user_has_device(user):
        return redirect("admin:index")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SetUpForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            verify_session(request, device)
            messages.success(request, "Two-factor sign-in is set up. From now on, sign in with a code from your app.")
            return redirect("admin:index")
        form.add_error("code", "That code does not match. Enter the code your app shows now.")
    context = {
        **admin.site.each_context(request),
        "title": "Set up two-factor sign-in",
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
        "key": grouped(device.bin_key),
    }
    return render(request, "admin/peel/two_factor_set_up.html", context)
