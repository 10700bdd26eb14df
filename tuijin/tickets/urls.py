from django.urls import path

from tuijin.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("suggest-unit/", views.suggest_unit, name="suggest_unit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
