from django.urls import path

from baiqianwan.briefings import views

app_name = "briefings"

urlpatterns = [
    path("", views.documents, name="list"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/docx/", views.document_docx, name="docx"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/preview.png", views.document_preview, name="preview"),
    path("notice/<int:pk>/", views.notice_new, name="notice_new"),
    path("templates/", views.templates, name="templates"),
    path("templates/shipped/<str:kind>.docx", views.template_shipped, name="template_shipped"),
    path("templates/<int:pk>/", views.template_download, name="template_download"),
    path("templates/<int:pk>/retire/", views.template_retire, name="template_retire"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<int:pk>/stop/", views.schedule_stop, name="schedule_stop"),
]
