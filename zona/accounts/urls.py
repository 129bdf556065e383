from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("sesi/", views.session_state, name="session"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/atur/", views.otp_setup, name="otp_setup"),
    path("sandi/lupa/", views.password_reset, name="password_reset"),
    path("sandi/lupa/terkirim/", views.password_reset_done, name="password_reset_done"),
    path("sandi/atur/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("sandi/atur/selesai/", views.password_reset_complete, name="password_reset_complete"),
    path("sandi/ubah/", views.password_change, name="password_change"),
    path("sandi/ubah/selesai/", views.password_change_done, name="password_change_done"),
    path("pengguna/", views.users, name="users"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/peran/", views.role_assign, name="role_assign"),
    path("pengguna/<int:pk>/peran/<int:role_pk>/cabut/", views.role_revoke, name="role_revoke"),
    path("pengguna/<int:pk>/publikasi/", views.overseer_publish, name="overseer_publish"),
    path(
        "pengguna/<int:pk>/publikasi/<int:grant_pk>/hapus/",
        views.overseer_unpublish,
        name="overseer_unpublish",
    ),
]
