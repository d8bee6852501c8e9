"""Regions and forces in the JSON API (wired up in peel/api.py)."""

from rest_framework import mixins, serializers

from peel.api import PageLink, PublicViewSet

from .filters import ForceFilter
from .models import Force, Region


class RegionSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="slug")

    class Meta:
        model = Region
        fields = ["slug", "name", "url"]


class ForceSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:force-detail", lookup_field="slug")
    page_url = PageLink(help_text="The force's page on this site.")

    class Meta:
        model = Force
        fields = ["slug", "name", "short_name", "url", "page_url"]


class RegionSerializer(RegionSummarySerializer):
    forces = ForceSummarySerializer(many=True, read_only=True, help_text="The region's forces, by short name.")

    class Meta(RegionSummarySerializer.Meta):
        fields = [*RegionSummarySerializer.Meta.fields, "forces"]


class ForceSerializer(ForceSummarySerializer):
    region = RegionSummarySerializer(read_only=True)
    other_names = serializers.SerializerMethodField(
        help_text="Other names the force is known or searched by: a former name, a common short form, a place."
    )

    class Meta(ForceSummarySerializer.Meta):
        fields = ["slug", "name", "short_name", "country", "region", "other_names", "url", "page_url"]

    def get_other_names(self, force) -> list[str]:
        return [name.strip() for name in force.other_names.splitlines() if name.strip()]


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """The regions forces are grouped in, each with its forces."""

    queryset = Region.objects.with_forces()
    serializer_class = RegionSerializer
    lookup_field = "slug"


class ForceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """The territorial police forces of England and Wales, found by name (``q``) or region as on the force list."""

    queryset = Force.objects.select_related("region")
    serializer_class = ForceSerializer
    filterset_class = ForceFilter
    lookup_field = "slug"
