from django.urls import path

from tuijin.exchange import views

app_name = "exchange"
urlpatterns = [
    path("<slug:name>/import/", views.import_page, name="import"),
    path("<slug:name>/template/", views.template_download, name="template"),
    path("<slug:name>/export/", views.export_download, name="export"),
    path("errors/<str:token>/", views.error_download, name="errors"),
]
