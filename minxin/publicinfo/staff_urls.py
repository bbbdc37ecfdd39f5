from django.urls import path

from minxin.publicinfo import staff_guides, staff_views

app_name = "staff-public"
urlpatterns = [
    path("cases/", staff_views.case_list, name="cases"),
    path("cases/nominate/<int:ticket_id>/", staff_views.nominate, name="nominate"),
    path("cases/<int:case_id>/", staff_views.case_page, name="case"),
    path("cases/<int:case_id>/<slug:action>/", staff_views.act, name="case_act"),
    path("<slug:kind>/", staff_guides.item_list, name="items"),
    path("<slug:kind>/new/", staff_guides.item_edit, name="item_new"),
    path("<slug:kind>/<int:item_id>/", staff_guides.item_edit, name="item"),
]
