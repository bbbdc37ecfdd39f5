from django.urls import path

from minxin.insight import ranking_views, views

app_name = "insight"
urlpatterns = [
    path("hotspots/", views.hotspots, name="hotspots"),
    path("ranking/", ranking_views.staff_ranking, name="ranking"),
    path("ranking/compute/", ranking_views.staff_compute, name="ranking_compute"),
    path("ranking/publish/", ranking_views.staff_publish, name="ranking_publish"),
]
