from baiqianwan.plans.views import ledger, notices, pages, reports

app_name = "plans"
urlpatterns = [
    *pages.urlpatterns,
    *ledger.urlpatterns,
    *reports.urlpatterns,
    *notices.urlpatterns,
]
