from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from peel import revisions
from peel.publishing.admin import LiveParentInlineMixin, LiveParentMixin, WorkflowAdminMixin, WorkflowInlineMixin

from . import imports
from .admin_forms import PillarJudgmentForm, QuestionJudgmentForm, judgment_form_for
from .models import (
    Assessment,
    InspectionYear,
    Inspector,
    Pillar,
    PillarJudgment,
    Question,
    QuestionJudgment,
    Report,
)

revisions.register(InspectionYear, follow=["pillars"])
revisions.register(Pillar, follow=["questions"])
revisions.register(Question)
revisions.register(Inspector)
revisions.register(Assessment, follow=["pillar_judgments"])
revisions.register(PillarJudgment, follow=["question_judgments"])
revisions.register(QuestionJudgment)
revisions.register(Report)


class ParentAwareFormSet(BaseInlineFormSet):
    """Hands each inline object its parent, saved or not, so the model's clean() can check the pair: a new
    assessment's judgments are checked against its year before anything is saved."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        setattr(form.instance, self.fk.name, self.instance)


class PillarInline(WorkflowInlineMixin, admin.TabularInline):
    model = Pillar
    extra = 0
    fields = ["position", "name", "slug", "kind", "headline_question", "graded"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


@admin.register(InspectionYear)
class InspectionYearAdmin(WorkflowAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "label", "scale", "published_on", "state"]
    fieldsets = [
        (None, {"fields": ["title", "label", "slug", "first_year", "scale"]}),
        ("Publication", {"fields": ["published_on", "published_precision", "notes"]}),
        ("For staff only", {"fields": ["source_notes"]}),
    ]
    list_filter = ["status", "scale"]
    search_fields = ["title", "label", "slug"]
    prepopulated_fields = {"slug": ["label"]}
    inlines = [PillarInline]
    ordering = ["-pk"]  # newest first


class QuestionInline(LiveParentInlineMixin, admin.TabularInline):
    publishable_parent = "year"  # on the pillar's form
    model = Question
    extra = 0
    fields = ["number", "text", "graded"]


@admin.register(Pillar)
class PillarAdmin(LiveParentMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    publishable_parent = "year"
    list_display = ["name", "year", "kind", "graded", "position"]
    list_filter = ["year", "kind", "graded"]
    list_select_related = ["year"]
    search_fields = ["name", "headline_question", "year__title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["year"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(LiveParentMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    publishable_parent = "pillar.year"
    list_display = ["__str__", "text", "graded"]
    list_filter = ["pillar__year", "graded"]
    list_select_related = ["pillar__year"]
    search_fields = ["text", "pillar__name"]
    autocomplete_fields = ["pillar"]


@admin.register(Inspector)
class InspectorAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "title"]
    search_fields = ["name"]


class PillarJudgmentInline(WorkflowInlineMixin, admin.StackedInline):
    model = PillarJudgment
    formset = ParentAwareFormSet
    extra = 0
    fields = ["pillar", "state", "grade", "not_graded", "last_updated", "summary", "body", "source_url"]
    readonly_fields = ["state"]

    @admin.display(description="state")
    def state(self, obj):
        return obj.state_label if obj.pk else "Draft"

    autocomplete_fields = ["pillar"]
    show_change_link = True
    form = PillarJudgmentForm

    def get_formset(self, request, obj=None, **kwargs):
        """On a saved assessment, a plain list of its year's pillars and grades; on a new one, every pillar."""
        return super().get_formset(request, obj, **{"form": judgment_form_for(self.form, obj), **kwargs})


@admin.register(Assessment)
class AssessmentAdmin(WorkflowAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "force", "year", "inspector", "state", "updated_at"]
    list_filter = ["status", "year", "force__region"]
    list_select_related = ["force", "year", "inspector"]
    search_fields = ["force__name", "force__short_name", "year__title"]
    autocomplete_fields = ["force", "year", "inspector"]
    fieldsets = [
        (None, {"fields": ["force", "year", "inspector", "report_url"]}),
        (
            "Narrative",
            {
                "fields": [
                    "narrative_origin",
                    "observations",
                    "force_in_context",
                    "working_arrangements",
                    "looking_ahead",
                ]
            },
        ),
    ]
    inlines = [PillarJudgmentInline]
    ordering = ["-updated_at", "-pk"]  # newest first


class QuestionJudgmentInline(WorkflowInlineMixin, admin.TabularInline):
    model = QuestionJudgment
    formset = ParentAwareFormSet
    extra = 0
    fields = ["question", "grade", "summary", "source_url"]
    autocomplete_fields = ["question"]
    form = QuestionJudgmentForm

    def get_formset(self, request, obj=None, **kwargs):
        """On a saved pillar judgment, a plain list of its pillar's questions and its year's grades."""
        return super().get_formset(request, obj, **{"form": judgment_form_for(self.form, obj), **kwargs})


@admin.register(PillarJudgment)
class PillarJudgmentAdmin(WorkflowAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "grade", "not_graded", "state", "last_updated"]
    list_filter = ["status", "grade", "assessment__year", "pillar__kind"]
    list_select_related = ["assessment__force", "assessment__year", "pillar__year"]
    search_fields = ["assessment__force__name", "pillar__name"]
    autocomplete_fields = ["assessment", "pillar"]
    inlines = [QuestionJudgmentInline]
    form = PillarJudgmentForm  # only the pillars and grades of its assessment's year, once that is known
    ordering = ["-pk"]  # newest first

    def get_urls(self):
        # Importing grades from a file; its link is on this change list (its change_list.html template).
        return [*imports.admin_urls(self), *super().get_urls()]


@admin.register(Report)
class ReportAdmin(WorkflowAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "force", "year", "published_on", "state"]
    list_filter = ["status", "kind", "year"]
    list_select_related = ["force", "year"]
    search_fields = ["title", "force__name"]
    autocomplete_fields = ["force", "year"]
    ordering = ["-pk"]  # newest first


@admin.register(QuestionJudgment)
class QuestionJudgmentAdmin(LiveParentMixin, revisions.RevisionAdminMixin, admin.ModelAdmin):
    publishable_parent = "pillar_judgment"
    list_display = ["__str__", "grade"]
    list_filter = ["grade", "pillar_judgment__assessment__year"]
    list_select_related = [
        "pillar_judgment__assessment__force",
        "pillar_judgment__assessment__year",
        "pillar_judgment__pillar__year",
        "question",
    ]
    search_fields = ["pillar_judgment__assessment__force__name", "question__text"]
    autocomplete_fields = ["pillar_judgment", "question"]
    form = QuestionJudgmentForm  # only its pillar's questions and its year's grades, once those are known
