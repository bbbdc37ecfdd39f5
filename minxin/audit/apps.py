from django.apps import AppConfig, apps


class AuditConfig(AppConfig):
    name = "minxin.audit"
    verbose_name = "存证"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from minxin.audit import checks  # noqa: F401  registers the deploy check
        from minxin.audit.coverage import TICKET_PARTS, part_saved, staff_deleted, staff_saved

        for label in ["tickets.Ticket", *TICKET_PARTS]:
            model = apps.get_model(label)
            post_save.connect(part_saved, sender=model, dispatch_uid=f"audit-saved-{label}")
            post_delete.connect(part_saved, sender=model, dispatch_uid=f"audit-deleted-{label}")
        user = apps.get_model("accounts", "User")
        post_save.connect(staff_saved, sender=user, dispatch_uid="audit-staff-saved")
        post_delete.connect(staff_deleted, sender=user, dispatch_uid="audit-staff-deleted")
