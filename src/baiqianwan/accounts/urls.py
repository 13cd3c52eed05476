from django.urls import path

from baiqianwan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.users, name="users"),
    path("users.xlsx", views.users_export, name="users_export"),
    path("create/", views.user_create_view, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/active/", views.user_active_view, name="user_active"),
    path("users/<str:username>/reset/", views.user_reset_view, name="user_reset"),
    path("users/<str:username>/unlock/", views.user_unlock_view, name="user_unlock"),
]
