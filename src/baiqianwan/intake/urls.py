from django.urls import path

from baiqianwan.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.documents, name="documents"),
    path("new/", views.new, name="new"),
    path("documents.xlsx", views.documents_export, name="documents_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/original/", views.text_part, {"side": "original"}, name="original_part"),
    path("<int:pk>/clean/", views.text_part, {"side": "clean"}, name="clean_part"),
    path("<int:pk>/tasks/", views.ledger_part, name="ledger_part"),
    path("<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("<int:pk>/ledger.json", views.ledger_json, name="ledger_json"),
]
