from django.urls import path

from tuijin.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/active/", views.member_active, name="member_active"),
    path("members/<int:pk>/password/", views.member_password, name="member_password"),
]
