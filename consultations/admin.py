"""Consultations in the admin: a consultation is written on one page with its questions (and their choices),
documents and outcome counts. Responses are read, never written, by staff with "view responses", who can
also download them and see them added up."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from peel import revisions
from peel.publishing.admin import WorkflowAdminMixin

from . import exports, summary
from .display import answer_lines, stored_value
from .models import Answer, Choice, Consultation, Document, OutcomeCount, Question, Response
from .references import normalise

VIEW_RESPONSES = "consultations.view_responses"

revisions.register(Consultation, follow=["questions", "documents", "outcome_counts"])
revisions.register(Question, follow=["choices"])
revisions.register(Choice)
revisions.register(Document)
revisions.register(OutcomeCount)


class QuestionForm(forms.ModelForm):
    """A question with its choices written one per line, so the whole questionnaire is edited on one page."""

    choice_lines = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="One per line, in order. For one-choice and several-choices questions only.",
    )

    class Meta:
        model = Question
        fields = ["position", "kind", "text", "hint", "required", "max_length"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choice_lines"].initial = "\n".join(c.text for c in self.instance.choices.all())

    def clean_choice_lines(self):
        lines = [line.strip() for line in self.cleaned_data["choice_lines"].splitlines() if line.strip()]
        repeated = next((line for index, line in enumerate(lines) if line in lines[:index]), None)
        if repeated:
            raise forms.ValidationError(f"“{repeated}” is listed twice.")
        if any(len(line) > Choice._meta.get_field("text").max_length for line in lines):
            raise forms.ValidationError("Each choice must be 200 characters or fewer.")
        return lines

    def clean(self):
        cleaned = super().clean()
        kind, lines = cleaned.get("kind"), cleaned.get("choice_lines") or []
        if kind in Question.CHOICE_KINDS and len(lines) < 2:
            self.add_error("choice_lines", "Give at least two choices, one per line.")
        elif kind and kind not in Question.CHOICE_KINDS and lines:
            self.add_error("choice_lines", "Only one-choice and several-choices questions have choices.")
        if self.instance.pk:
            removed = self.instance.choices.exclude(text__in=lines).filter(answers__isnull=False).distinct()
            for choice in removed:
                self.add_error("choice_lines", f"“{choice.text}” has been chosen in responses, so it must stay.")
        return cleaned

    def save_choices(self):
        question, lines = self.instance, self.cleaned_data.get("choice_lines") or []
        question.choices.exclude(text__in=lines).delete()
        existing = {choice.text: choice for choice in question.choices.all()}
        for position, text in enumerate(lines, 1):
            choice = existing.get(text) or Choice(question=question, text=text)
            if choice.position != position or choice.pk is None:
                choice.position = position
                choice.save()


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    ordering = ["position"]
    fields = [("position", "kind", "required"), "text", "hint", ("max_length", "choice_lines")]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    ordering = ["position"]
    fields = ["position", "title", "url"]


class OutcomeCountInline(admin.TabularInline):
    model = OutcomeCount
    extra = 0
    ordering = ["position"]
    fields = ["position", "respondents", "count"]
    verbose_name_plural = "Who responded (as the published outcome counts them)"


@admin.register(Consultation)
class ConsultationAdmin(WorkflowAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "state", "opens_at", "closes_at", "phase_label", "response_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "opens_at"
    ordering = ["-updated_at", "-pk"]  # newest first
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("When it takes responses", {"fields": ["opens_at", "closes_at", "time_to_answer", "privacy_notice"]}),
        ("Outcome", {"fields": ["outcome", "outcome_published_on"]}),
    ]
    inlines = [QuestionInline, DocumentInline, OutcomeCountInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    @admin.display(description="Now")
    def phase_label(self, obj):
        return obj.Phase(obj.phase).label

    @admin.display(description="Responses", ordering="response_total")
    def response_count(self, obj):
        return obj.response_total

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "responses_links"] if request.user.has_perm(VIEW_RESPONSES) else shown

    @admin.display(description="")
    def responses_links(self, obj):
        return format_html(
            '<a href="{}">Summary</a> · <a href="{}">Download CSV</a> · <a href="{}">XLSX</a>',
            reverse("admin:consultations_consultation_summary", args=[obj.pk]),
            reverse("admin:consultations_consultation_responses_csv", args=[obj.pk]),
            reverse("admin:consultations_consultation_responses_xlsx", args=[obj.pk]),
        )

    def view_on_site(self, obj):
        """The public page; while the public cannot see it yet (a draft, or not open yet), its preview."""
        url = obj.get_absolute_url()
        return f"{url}?preview=1" if not obj.is_published or obj.phase == obj.Phase.UPCOMING else url

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        deleted = formset.deleted_forms if formset.can_delete else []
        for inline_form in formset.forms:
            if isinstance(inline_form, QuestionForm) and inline_form.instance.pk and inline_form not in deleted:
                inline_form.save_choices()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/summary/", view(self.summary_view), name="consultations_consultation_summary"),
            path("<int:pk>/responses.csv", view(self.csv_view), name="consultations_consultation_responses_csv"),
            path("<int:pk>/responses.xlsx", view(self.xlsx_view), name="consultations_consultation_responses_xlsx"),
            *super().get_urls(),
        ]

    def _consultation_for_responses(self, request, pk):
        if not request.user.has_perm(VIEW_RESPONSES):
            raise PermissionDenied
        return get_object_or_404(Consultation, pk=pk)

    def summary_view(self, request, pk):
        consultation = self._consultation_for_responses(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Responses to {consultation.title}",
            "consultation": consultation,
            "opts": self.opts,
            "csv_url": reverse("admin:consultations_consultation_responses_csv", args=[pk]),
            "xlsx_url": reverse("admin:consultations_consultation_responses_xlsx", args=[pk]),
            **summary.summarise(consultation),
        }
        return TemplateResponse(request, "consultations/admin/summary.html", context)

    def csv_view(self, request, pk):
        return exports.csv_download(self._consultation_for_responses(request, pk))

    def xlsx_view(self, request, pk):
        return exports.xlsx_download(self._consultation_for_responses(request, pk))


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question_text", "answer"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["question__position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("choices")

    @admin.display(description="Question")
    def question_text(self, obj):
        return str(obj.question)

    @admin.display(description="Answer")
    def answer(self, obj):
        return "; ".join(answer_lines(obj.question, stored_value(obj)))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_RESPONSES)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Responses as they came in: staff read them, and never add, change or delete one here."""

    list_display = ["reference", "consultation", "created_at", "respondent_type", "organisation", "consent"]
    list_filter = ["consultation", "respondent_type", "consent"]
    list_select_related = ["consultation"]
    search_fields = ["reference"]
    search_help_text = "Search by reference, as ABCD-EF23."
    date_hierarchy = "created_at"
    fields = ["reference", "consultation", "created_at", "respondent_type", "name", "organisation", "email", "consent"]
    readonly_fields = fields
    inlines = [AnswerInline]

    def get_search_results(self, request, queryset, search_term):
        """A reference however it is typed: lower case, with a space or without the hyphen."""
        return super().get_search_results(request, queryset, normalise(search_term) or search_term.strip())

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_RESPONSES)

    def has_module_permission(self, request):
        return request.user.has_perm(VIEW_RESPONSES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
