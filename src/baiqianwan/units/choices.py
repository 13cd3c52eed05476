from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """Where a unit stands in the tree (省级 … 村级); "County level" beside the kind "County"
    reads as two facts, not "County County"."""

    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWN = "town", _("Town level")
    VILLAGE = "village", _("Village level")


class Kind(models.TextChoices):
    """What a unit is, from the NBS code-segment rules (统计用区划代码编制规则)."""

    PROVINCE = "province", pgettext_lazy("unit kind", "Province")
    CITY = "city", _("Prefecture-level city")
    DISTRICT = "district", _("City district")
    COUNTY = "county", pgettext_lazy("unit kind", "County")
    COUNTY_CITY = "county_city", _("County-level city")
    COUNTY_OTHER = "county_other", _("Other county-level unit")
    SUBDISTRICT = "subdistrict", _("Sub-district")
    TOWN = "town", pgettext_lazy("unit kind", "Town")
    TOWNSHIP = "township", _("Township")
    TOWN_LIKE = "town_like", _("Town-like unit")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    VILLAGERS_COMMITTEE = "villagers_committee", _("Villagers' committee")
    RESIDENTS_LIKE = "residents_like", _("Residents' committee-like unit")
    VILLAGERS_LIKE = "villagers_like", _("Villagers' committee-like unit")


class UrbanRuralClass(models.TextChoices):
    """NBS 城乡分类代码: 1xx urban, 2xx rural."""

    MAIN_URBAN = "111", _("111 main urban area")
    URBAN_FRINGE = "112", _("112 urban-rural fringe")
    TOWN_CENTRE = "121", _("121 town centre")
    TOWN_FRINGE = "122", _("122 town-rural fringe")
    SPECIAL_AREA = "123", _("123 special area")
    TOWNSHIP_CENTRE_VILLAGE = "210", _("210 village of a township centre")
    VILLAGE = "220", _("220 village")


class LineageKind(models.TextChoices):
    RENAME = "rename", _("Renamed")
    RECODE = "recode", _("Code changed")
    MERGE = "merge", _("Merged into")
    SPLIT = "split", _("Split into")
    RETIRE = "retire", _("Retired")
