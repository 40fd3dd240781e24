"""The company profile of 设置: who sends the customer-facing pages (letterhead) and where the
customer pays (the remittance block)."""
from __future__ import annotations

from dataclasses import dataclass

from .settings import Settings


@dataclass(frozen=True)
class Company:
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    bank: str | None = None
    account: str | None = None
    tax_id: str | None = None
    contact: str | None = None
    email: str | None = None
    logo: str | None = None
    remittance: str | None = None  # 汇款说明: what the customer writes with a payment

    @property
    def can_be_paid(self) -> bool:
        """A page that asks for money must say where to pay it."""
        return bool(self.account)


def company(s: Settings) -> Company:
    return Company(s.company_name, s.company_address, s.company_phone, s.company_bank, s.company_account,
                   s.company_tax_id, s.company_contact, s.company_email, s.company_logo, s.remittance)
