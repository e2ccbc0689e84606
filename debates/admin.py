from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count
from django.template.response import TemplateResponse

from . import caching
from .models import (
    Contribution,
    ContributionKeyRedirect,
    ContributionTopic,
    Debate,
    Party,
    Source,
    Speaker,
    SpeakerName,
    SpeakerSlugRedirect,
    Topic,
)


def merge_selected(model_admin, request, queryset):
    """The body of a "merge" action: confirm which row survives, then ``survivor.merge()``
    each other row inside one transaction. The merged rows' URLs redirect to the survivor."""
    rows = list(queryset)
    noun = model_admin.model._meta.verbose_name_plural
    if len(rows) < 2:
        model_admin.message_user(request, f"Select at least two {noun} to merge.", messages.ERROR)
        return None
    survivor = next((row for row in rows if str(row.pk) == request.POST.get("survivor")), None)
    if "apply" in request.POST and survivor is not None:
        with transaction.atomic():
            for duplicate in rows:
                if duplicate.pk != survivor.pk:
                    # Said before the merge moves the duplicate's rows: the pages they
                    # were on change too.
                    caching.archive_changed(**caching.changed_by(duplicate))
                    survivor.merge(duplicate)
            caching.archive_changed(**caching.changed_by(survivor))
        model_admin.message_user(
            request,
            f"Merged {len(rows) - 1} of the {noun} into {survivor}; their old URLs redirect.",
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/merge.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"Merge {noun}",
            "rows": rows,
            "opts": model_admin.model._meta,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class ArchiveModelAdmin(admin.ModelAdmin):
    """Every edit, addition and deletion says what it changed (debates.caching), inside
    the admin's transaction."""

    # Hansard and data.parliament.uk URLs are https; say so now rather than rely on
    # Django 5's http default, which Django 6 changes.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        # After the row, its many-to-many fields and its inlines are all saved.
        super().save_related(request, form, formsets, change)
        caching.archive_changed(**caching.changed_by(form.instance))

    def delete_model(self, request, obj):
        caching.archive_changed(**caching.changed_by(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            caching.archive_changed(**caching.changed_by(obj))
        super().delete_queryset(request, queryset)


@admin.register(Party)
class PartyAdmin(ArchiveModelAdmin):
    list_display = ["name", "short_name", "slug"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


class SpeakerNameInline(admin.TabularInline):
    model = SpeakerName
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(ArchiveModelAdmin):
    list_display = ["name", "party", "constituency", "house", "contribution_count"]
    list_filter = ["house", "party"]
    search_fields = ["name", "names__name", "constituency"]
    autocomplete_fields = ["party"]
    readonly_fields = ["slug"]
    inlines = [SpeakerNameInline]
    actions = ["merge_speakers"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("party")
            .annotate(contribution_count=Count("contributions"))
        )

    @admin.display(ordering="contribution_count", description="contributions")
    def contribution_count(self, speaker):
        return speaker.contribution_count

    @admin.action(description="Merge selected speakers into one person")
    def merge_speakers(self, request, queryset):
        return merge_selected(self, request, queryset.order_by("-contribution_count", "name"))


@admin.register(SpeakerSlugRedirect)
class SpeakerSlugRedirectAdmin(ArchiveModelAdmin):
    list_display = ["old_slug", "speaker"]
    search_fields = ["old_slug", "speaker__name"]
    raw_id_fields = ["speaker"]


@admin.register(Topic)
class TopicAdmin(ArchiveModelAdmin):
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Source)
class SourceAdmin(ArchiveModelAdmin):
    list_display = ["file_name", "format", "sha256", "licence"]
    list_filter = ["format"]
    search_fields = ["file_name", "sha256", "url"]


class ContributionTopicInline(admin.TabularInline):
    model = ContributionTopic
    extra = 1
    autocomplete_fields = ["topic"]
    readonly_fields = ["matched_phrase"]


@admin.register(Debate)
class DebateAdmin(ArchiveModelAdmin):
    list_display = ["title", "date", "house", "location", "department"]
    list_filter = ["house", "location", "date"]
    date_hierarchy = "date"
    search_fields = ["title", "department"]
    autocomplete_fields = ["topics"]
    raw_id_fields = ["sources"]
    readonly_fields = ["slug"]


@admin.register(Contribution)
class ContributionAdmin(ArchiveModelAdmin):
    list_display = ["key", "display_name", "debate", "party", "column_reference"]
    list_filter = ["debate__house", "party"]
    list_select_related = ["debate", "party"]
    search_fields = ["key", "display_name", "speaker__name", "debate__title", "column_reference"]
    raw_id_fields = ["debate", "sources"]
    autocomplete_fields = ["speaker", "party"]
    readonly_fields = ["key", "fingerprint"]
    inlines = [ContributionTopicInline]
    actions = ["merge_contributions"]

    @admin.action(description="Merge selected contributions (the same speech) into one")
    def merge_contributions(self, request, queryset):
        return merge_selected(self, request, queryset.order_by("debate__date", "sequence"))


@admin.register(ContributionKeyRedirect)
class ContributionKeyRedirectAdmin(ArchiveModelAdmin):
    list_display = ["old_key", "contribution"]
    search_fields = ["old_key", "contribution__key"]
    raw_id_fields = ["contribution"]


@admin.register(ContributionTopic)
class ContributionTopicAdmin(ArchiveModelAdmin):
    list_display = ["contribution", "topic", "provenance", "matched_phrase"]
    list_filter = ["provenance", "topic"]
    list_select_related = ["contribution__debate", "topic"]
    raw_id_fields = ["contribution"]
    autocomplete_fields = ["topic"]
