"""The API's contract: explicit fields, permanent identifiers, a URL on every object.

Nested objects are small summaries with their own `url`, so a client can follow links
instead of guessing routes. Nothing here exposes a primary key.
"""

from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Contribution, ContributionTopic, Debate, Party, Speaker, Topic


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.Field):
    """The object's page on the site, absolute when there is a request."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        url = value.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class TemplatedUrls:
    """Links to an API route made from one reverse() of it per response, not one per object.

    A page of 50 contributions links to its debate, speaker, party and topics: some 300
    reverse() calls, a third of the time the page took to serialise. The route is reversed
    once with a placeholder for the slug or key (which the routes' own pattern admits),
    made absolute, and filled in for each object.
    """

    PLACEHOLDER = "templated-url-lookup"

    def get_url(self, obj, view_name, request, format):
        if format or request is None:  # a suffixed or relative URL: DRF's own way
            return super().get_url(obj, view_name, request, format)
        lookup = getattr(obj, self.lookup_field)
        if lookup in (None, ""):
            return None
        templates = self.context.setdefault("url_templates", {})
        if view_name not in templates:
            kwargs = {self.lookup_url_kwarg: self.PLACEHOLDER}
            templates[view_name] = self.reverse(view_name, kwargs=kwargs, request=request)
        # Quoted as reverse() quotes a URL's arguments.
        value = quote(str(lookup), safe=RFC3986_SUBDELIMS + "/~:@")
        return templates[view_name].replace(self.PLACEHOLDER, value)

    def to_representation(self, value):
        # A plain string, not DRF's Hyperlink, which carries the object it names: a list
        # kept in the pages cache would otherwise pickle every row's model instances.
        url = super().to_representation(value)
        return None if url is None else str(url)


class ApiUrlField(TemplatedUrls, serializers.HyperlinkedIdentityField):
    pass


class ApiRelatedUrlField(TemplatedUrls, serializers.HyperlinkedRelatedField):
    pass


def api_url(view_name: str, lookup_field: str = "slug"):
    return ApiUrlField(view_name=f"api:{view_name}", lookup_field=lookup_field)


class PartySummarySerializer(serializers.ModelSerializer):
    url = api_url("party-detail")

    class Meta:
        model = Party
        fields = ["name", "short_name", "slug", "url"]


class SpeakerSummarySerializer(serializers.ModelSerializer):
    url = api_url("speaker-detail")

    class Meta:
        model = Speaker
        fields = ["name", "slug", "url"]


class TopicSummarySerializer(serializers.ModelSerializer):
    url = api_url("topic-detail")

    class Meta:
        model = Topic
        fields = ["name", "slug", "url"]


class DebateSummarySerializer(serializers.ModelSerializer):
    url = api_url("debate-detail")

    class Meta:
        model = Debate
        fields = ["title", "slug", "date", "house", "url"]


class ParagraphSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["speech", "quotation", "procedural"])
    text = serializers.CharField()


class TaggedTopicSerializer(serializers.ModelSerializer):
    """A contribution's topic and how it came to be tagged."""

    name = serializers.CharField(source="topic.name")
    slug = serializers.CharField(source="topic.slug")
    url = ApiRelatedUrlField(
        source="topic", view_name="api:topic-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = ContributionTopic
        fields = ["name", "slug", "url", "provenance"]


class PartySerializer(PartySummarySerializer):
    html_url = HtmlUrlField()

    class Meta(PartySummarySerializer.Meta):
        fields = [*PartySummarySerializer.Meta.fields, "html_url"]


class SpeakerSerializer(serializers.ModelSerializer):
    url = api_url("speaker-detail")
    html_url = HtmlUrlField()
    party = PartySummarySerializer(read_only=True, allow_null=True, help_text="Current party.")
    name_forms = serializers.SlugRelatedField(
        source="names", many=True, read_only=True, slug_field="name"
    )
    constituency = serializers.CharField(allow_blank=True, help_text="Blank for peers.")
    contribution_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Speaker
        fields = [
            "name",
            "slug",
            "url",
            "html_url",
            "house",
            "party",
            "constituency",
            "name_forms",
            "parliament_member_id",
            "twfy_person_id",
            "contribution_count",
        ]


class TopicSerializer(serializers.ModelSerializer):
    url = api_url("topic-detail")
    html_url = HtmlUrlField()
    parent = TopicSummarySerializer(read_only=True, allow_null=True)
    debate_count = serializers.IntegerField(read_only=True)
    contribution_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = [
            "name",
            "slug",
            "url",
            "html_url",
            "description",
            "parent",
            "debate_count",
            "contribution_count",
        ]


class DebateSerializer(serializers.ModelSerializer):
    url = api_url("debate-detail")
    html_url = HtmlUrlField()
    topics = TopicSummarySerializer(many=True, read_only=True)
    contributions_url = serializers.SerializerMethodField(
        help_text="The debate's contributions, in order, from the contributions list."
    )
    akn_url = serializers.SerializerMethodField(
        help_text="The whole debate as an Akoma Ntoso 3.0 XML document (application/akn+xml)."
    )

    class Meta:
        model = Debate
        fields = [
            "title",
            "slug",
            "url",
            "html_url",
            "date",
            "house",
            "location",
            "department",
            "kind",
            "session",
            "source_url",
            "topics",
            "contributions_url",
            "akn_url",
        ]

    def get_contributions_url(self, debate) -> str:
        request = self.context.get("request")
        url = f"/api/v1/contributions/?debate={debate.slug}&sort=date"
        return request.build_absolute_uri(url) if request else url

    def get_akn_url(self, debate) -> str:
        request = self.context.get("request")
        url = debate.get_akn_url()
        return request.build_absolute_uri(url) if request else url


class ContributionSerializer(serializers.ModelSerializer):
    url = api_url("contribution-detail", lookup_field="key")
    html_url = HtmlUrlField()
    citation = serializers.CharField(
        read_only=True,
        help_text='Hansard\'s own form, e.g. "HC Deb 23 February 2010, vol 506, cc185-6"',
    )
    debate = DebateSummarySerializer(read_only=True)
    speaker = SpeakerSummarySerializer(read_only=True)
    party = PartySummarySerializer(
        read_only=True, allow_null=True, help_text="Party at the time of speaking."
    )
    paragraphs = ParagraphSerializer(many=True, read_only=True)
    topics = TaggedTopicSerializer(source="contributiontopic_set", many=True, read_only=True)
    volume = serializers.IntegerField(read_only=True, allow_null=True)
    columns = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Contribution
        fields = [
            "key",
            "url",
            "html_url",
            "citation",
            "debate",
            "sequence",
            "speaker",
            "display_name",
            "role",
            "party",
            "paragraphs",
            "topics",
            "column_reference",
            "volume",
            "columns",
            "source_uri",
        ]
