"""Who is acting: a staff member, a verified citizen, an anonymous code holder, or the system."""

from __future__ import annotations

from dataclasses import dataclass

from minxin.accounts.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    citizen_phone: str | None = None
    # The tracking code whose query password this anonymous citizen proved.
    holds_code: str | None = None
    system: bool = False

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(user=user)

    @classmethod
    def citizen(cls, phone: str) -> Actor:
        return cls(citizen_phone=phone)

    @classmethod
    def code_holder(cls, code: str) -> Actor:
        return cls(holds_code=code)

    @classmethod
    def system_actor(cls) -> Actor:
        return cls(system=True)

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    @property
    def label(self) -> str:
        if self.user:
            return f"{self.user.get_role_display()} {self.user}"
        if self.system:
            return "系统"
        if self.citizen_phone:
            return "诉求人"
        return "匿名诉求人"

    @property
    def member(self) -> User:
        """The staff member acting, in a step the action table admits only staff to."""
        if self.user is None:
            raise TypeError(f"{self.label} is not a staff member")
        return self.user

    def has_role(self, *roles: str) -> bool:
        return self.user is not None and self.user.is_active and self.user.role in roles
