from django.urls import path

from tuijin.dashboard import views

app_name = "dashboard"
urlpatterns = [path("", views.cockpit, name="cockpit")]
