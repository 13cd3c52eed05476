from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from baiqianwan.api import api
from baiqianwan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("baiqianwan.accounts.urls")),
    path("units/", include("baiqianwan.units.urls")),
    path("audit/", include("baiqianwan.audit.urls")),
    path("intake/", include("baiqianwan.intake.urls")),
    path("plans/", include("baiqianwan.plans.urls")),
    path("indicators/", include("baiqianwan.indicators.urls")),
    path("evaluation/", include("baiqianwan.evaluation.urls")),
    path("notifications/", include("baiqianwan.notifications.urls")),
    path("cockpit/", include("baiqianwan.cockpit.urls")),
    path("briefings/", include("baiqianwan.briefings.urls")),
    path("api/", api.urls),
]

handler400 = "baiqianwan.core.views.error_400"
handler403 = "baiqianwan.core.views.error_403"
handler404 = "baiqianwan.core.views.error_404"
handler500 = "baiqianwan.core.views.error_500"
