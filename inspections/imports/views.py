"""The admin pages of an import: choose a file, see what it would do, confirm.

Checking a file saves nothing. Its rows then travel to the confirming request in a signed token (signed for
the person who checked them, and good for an hour) rather than being uploaded again, and confirming checks
them once more against the database as it is then before saving all of them, or none.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from inspections.loading.loader import GRADE_WORDS, JUDGMENT_COLUMNS, NOT_GRADED
from peel import revisions
from peel.publishing.models import AuditEntry

from .plan import JudgmentImport
from .reading import MAX_BYTES, MAX_ROWS, UploadError, describe, read_upload

PERMISSIONS = ("inspections.add_pillarjudgment", "inspections.change_pillarjudgment")
TOKEN_SALT = "inspections.imports.judgments"  # noqa: S105 (a signing salt, not a secret)
TOKEN_MAX_AGE = 60 * 60
TEMPLATES = "admin/inspections/pillarjudgment"
# The token comes back as an ordinary form field, which Django refuses past DATA_UPLOAD_MAX_MEMORY_SIZE.
TOKEN_ROOM = 16 * 1024


def can_import(user):
    return user.is_active and user.is_staff and user.has_perms(PERMISSIONS)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=f"CSV (UTF-8) or Excel (.xlsx), up to {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        try:
            self.upload = read_upload(self.cleaned_data["file"])
        except UploadError as error:
            raise forms.ValidationError(error.message) from None
        return self.cleaned_data["file"]


def make_token(user, name, rows):
    values = [[line, *(row[column] for column in JUDGMENT_COLUMNS)] for line, row in rows]
    return signing.dumps({"name": name, "rows": values}, salt=f"{TOKEN_SALT}:{user.pk}", compress=True)


def read_token(user, token):
    """The file's name and rows from a token made by make_token() for this user; BadSignature if it was
    altered, made for someone else or is more than TOKEN_MAX_AGE seconds old."""
    data = signing.loads(token, salt=f"{TOKEN_SALT}:{user.pk}", max_age=TOKEN_MAX_AGE)
    rows = [(values[0], dict(zip(JUDGMENT_COLUMNS, values[1:], strict=True))) for values in data["rows"]]
    return data["name"], rows


def token_fits(token):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is None or len(token) + TOKEN_ROOM <= limit


class JudgmentImportViews:
    """The import pages of a PillarJudgment ModelAdmin."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.opts = model_admin.opts

    def urls(self):
        view = self.model_admin.admin_site.admin_view  # signed in as staff, CSRF-checked, never cached
        return [
            path("import/", view(self.choose), name="inspections_pillarjudgment_import"),
            path("import/confirm/", view(self.confirm), name="inspections_pillarjudgment_import_confirm"),
        ]

    def choose(self, request):
        """The form to choose a file; posted, the page that says what importing it would do."""
        self._allow(request)
        if request.method != "POST":
            return self._choose_page(request, UploadForm())
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._choose_page(request, form)
        upload = form.upload
        result = JudgmentImport(request.user).run(upload.rows, save=False)
        file_errors = [(error.line, describe(error)) for error in upload.errors]
        token = ""
        if not file_errors and not result.errors:
            token = make_token(request.user, upload.name, upload.rows)
            if not token_fits(token):
                token = ""
                file_errors.append((0, "this file is too large to confirm in one go: split it into smaller files"))
        return self._check_page(request, upload.name, result, file_errors, token)

    def confirm(self, request):
        """Saves the rows a checked file's token carries, all of them or none."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._allow(request)
        try:
            name, rows = read_token(request.user, request.POST.get("token", ""))
        except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError):
            message = (
                "This import could not be confirmed: what was checked has expired or was changed on the way. "
                "Choose the file again."
            )
            return self._choose_page(request, UploadForm(), error=message, status=400)
        with revisions.recorded(f"Imported from {name}", user=request.user):
            result = JudgmentImport(request.user).run(rows, save=True)
            if result.saved:
                AuditEntry.objects.create(
                    user=request.user,
                    username=request.user.get_username(),
                    action=AuditEntry.Action.IMPORTED,
                    object_repr=name[:200],
                    detail=summary(name, result),
                )
        if not result.saved:
            # The database changed since the file was checked, and a row no longer passes: nothing was saved.
            return self._check_page(request, name, result, [], "", status=409, rechecked=True)
        messages.success(request, summary(name, result))
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return redirect(f"{changelist}?status__exact=draft")

    def _allow(self, request):
        if not can_import(request.user):
            raise PermissionDenied

    def _context(self, request, title):
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "grade_words": [*(words.capitalize() for words in GRADE_WORDS), NOT_GRADED.capitalize()],
            "max_rows": MAX_ROWS,
            "max_megabytes": MAX_BYTES // (1024 * 1024),
        }

    def _choose_page(self, request, form, *, error="", status=200):
        context = self._context(request, f"Import {self.opts.verbose_name_plural}") | {"form": form, "error": error}
        return TemplateResponse(request, f"{TEMPLATES}/import.html", context, status=status)

    def _check_page(self, request, name, result, file_errors, token, *, status=200, rechecked=False):
        errors = sorted(
            file_errors + [(outcome.line, f"line {outcome.line}: {outcome.reason}") for outcome in result.errors]
        )
        context = self._context(request, f"Check “{name}” before importing it") | {
            "name": name,
            "result": result,
            "counts": result.counts,
            "errors": [message for _, message in errors],
            "token": token,
            "form": UploadForm(),
            "rechecked": rechecked,
        }
        return TemplateResponse(request, f"{TEMPLATES}/import_check.html", context, status=status)


def summary(name, result):
    counts = result.counts
    rows = len(result.outcomes)
    parts = [
        f"Imported {rows:,} row{'s' if rows != 1 else ''} from “{name}”: {counts['created']:,} created, "
        f"{counts['changed']:,} changed, {counts['unchanged']:,} unchanged."
    ]
    if result.new_assessments:
        parts.append(f"{result.new_assessments:,} new assessment{'s' if result.new_assessments != 1 else ''}.")
    if result.back_to_draft:
        n = result.back_to_draft
        parts.append(f"{n:,} published judgment{'s are' if n != 1 else ' is'} back to draft.")
    parts.append("What it created or changed is a draft until someone reviews and publishes it.")
    return " ".join(parts)


def admin_urls(model_admin):
    """The import's admin URLs, for PillarJudgmentAdmin.get_urls() to put before its own."""
    return JudgmentImportViews(model_admin).urls()
