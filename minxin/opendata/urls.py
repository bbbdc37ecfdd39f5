from django.urls import path

from minxin.opendata import views

urlpatterns = [
    path("open-data/", views.index, name="opendata"),
    path("open-data/<str:name>", views.download, name="opendata_file"),
]
