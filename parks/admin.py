"""Back office for regions, the park tree, platform companies, chains, towns and outposts."""

from django.contrib import admin

from .models import IndustryChain, InnovationOutpost, Park, PlatformCompany, Region, SpecialtyTown


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "region", "level", "area_km2", "approved_on")
    list_filter = ("kind", "level", "region")
    search_fields = ("name", "aliases", "leading_industries")
    autocomplete_fields = ("parent", "region")


@admin.register(PlatformCompany)
class PlatformCompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "park")
    search_fields = ("name",)


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    # projects/admin.py adds the chain's leading company (ChainLeaderInline).
    list_display = ("name", "region")
    search_fields = ("name",)


@admin.register(SpecialtyTown)
class SpecialtyTownAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    search_fields = ("name",)


@admin.register(InnovationOutpost)
class InnovationOutpostAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "region")
    search_fields = ("name", "city")
