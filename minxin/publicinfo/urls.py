from django.urls import path

from minxin.publicinfo import views

app_name = "publicinfo"
urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
]
