"""往来单位: suppliers (采购) and customers with their contacts (销售)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jxc.partners import services
from jxc.partners.filters import CustomerFilterSet, SupplierFilterSet
from jxc.partners.models import Contact, Customer, Supplier
from jxc.web.generic import Column, Inline, Screen, ServiceForm

PARTNER_FIELDS = [
    "code",
    "name",
    "mnemonic",
    "contact",
    "phone",
    "address",
    "tax_number",
    "bank_name",
    "bank_account",
    "payment_terms_days",
]


class SupplierForm(ServiceForm):
    class Meta:
        model = Supplier
        fields = [*PARTNER_FIELDS, "lead_time_days", "memo"]


class CustomerForm(ServiceForm):
    class Meta:
        model = Customer
        fields = [
            *PARTNER_FIELDS[:3],
            "tier",
            "price_level",
            "credit_limit",
            "salesperson",
            *PARTNER_FIELDS[3:],
            "allow_backorder",
            "memo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_active("salesperson", get_user_model().objects.all())


class ContactForm(ServiceForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "email"]


def _contacts_inline(resource: str) -> Inline:
    return Inline(
        "contacts",
        Contact._meta.verbose_name_plural,
        rows=lambda partner: partner.contacts.all(),
        columns=[Column("name"), Column("position"), Column("phone"), Column("email")],
        form_class=ContactForm,
        create=lambda partner, user, data: services.create_contact(
            user=user, partner=partner, **data
        ),
        update=lambda contact, user, data: services.update_contact(contact, user=user, **data),
        remove=lambda contact, user: services.remove_contact(contact, user=user),
        resource=resource,
        add_action="edit",  # adding a contact is editing the partner
    )


class SupplierScreen(Screen):
    model = Supplier
    resource = "supplier"
    path = "partners/suppliers"
    columns = [
        Column("code", link=True),
        Column("name", link=True),
        Column("contact"),
        Column("phone"),
        Column("payment_terms_days", css="hide-sm"),
        Column("lead_time_days", css="hide-sm"),
        Column("is_active"),
    ]
    detail_fields = [*PARTNER_FIELDS, "lead_time_days", "memo", "is_active"]
    filterset_class = SupplierFilterSet
    form_class = SupplierForm
    create_service = services.create_supplier
    update_service = services.update_supplier
    inlines = [_contacts_inline("supplier")]

    def detail_sections(self, request, obj):
        """供应商绩效 and its price trend (jxc.web.views.supplier_reports)."""
        from jxc.web.views.supplier_reports import supplier_section

        return [*super().detail_sections(request, obj), *supplier_section(request, obj)]


class CustomerScreen(Screen):
    model = Customer
    resource = "customer"
    path = "partners/customers"
    columns = [
        Column("code", link=True),
        Column("name", link=True),
        Column("tier", kind="tag"),
        Column("price_level", css="hide-sm"),
        Column("credit_limit", css="hide-sm"),
        Column("salesperson", order_by="salesperson__username", css="hide-sm"),
        Column("phone"),
        Column("is_active"),
    ]
    detail_fields = [
        *PARTNER_FIELDS[:3],
        "tier",
        "price_level",
        "credit_limit",
        "salesperson",
        *PARTNER_FIELDS[3:],
        "allow_backorder",
        "memo",
        "is_active",
    ]
    select_related = ("salesperson",)
    filterset_class = CustomerFilterSet
    form_class = CustomerForm
    create_service = services.create_customer
    update_service = services.update_customer
    inlines = [_contacts_inline("customer")]

    def get_form(self, request, *, obj=None, data=None):
        form = super().get_form(request, obj=obj, data=data)
        if obj is not None and not services.may_change_credit(request.user):
            # shown, not changed: the credit terms are a manager's (credit.edit)
            for name in services.CREDIT_FIELDS:
                form.fields[name].disabled = True
                form.fields[name].help_text = _("Only a manager changes the credit terms.")
        return form


SCREENS = [SupplierScreen(), CustomerScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
