from django.urls import path

from tuijin.campaigns import views

app_name = "campaigns"
urlpatterns = [path("", views.index, name="index")]
