from django.contrib import admin

from peel import revisions

from .models import ContextPoint, Force, KeyFact, PlanPriority, Region

revisions.register(Region)
revisions.register(Force, follow=["key_facts", "context_points", "plan_priorities"])
revisions.register(KeyFact)
revisions.register(ContextPoint)
revisions.register(PlanPriority)


@admin.register(Region)
class RegionAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class KeyFactInline(admin.TabularInline):
    model = KeyFact
    extra = 0
    fields = ["period", "measure", "value", "national_value", "source_url"]


class ContextPointInline(admin.TabularInline):
    model = ContextPoint
    extra = 0


class PlanPriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 0


@admin.register(Force)
class ForceAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "country"]
    list_filter = ["region", "country"]
    list_select_related = ["region"]
    search_fields = ["name", "short_name", "slug", "other_names"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["region"]
    inlines = [KeyFactInline, ContextPointInline, PlanPriorityInline]


@admin.register(KeyFact)
class KeyFactAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["force", "period", "measure", "value", "national_value"]
    list_filter = ["period", "measure", "force__region"]
    list_select_related = ["force"]
    search_fields = ["force__name", "period"]
    autocomplete_fields = ["force"]


@admin.register(ContextPoint)
class ContextPointAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["force", "position", "__str__"]
    list_select_related = ["force"]
    search_fields = ["force__name", "text"]
    autocomplete_fields = ["force"]


@admin.register(PlanPriority)
class PlanPriorityAdmin(revisions.RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["force", "group", "position", "__str__"]
    list_select_related = ["force"]
    search_fields = ["force__name", "group", "text"]
    autocomplete_fields = ["force"]
