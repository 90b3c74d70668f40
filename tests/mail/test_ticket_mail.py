"""Ticket mail reaches a real SMTP server: CC on every change, the survey link."""

from tests.mail.conftest import SmtpServer
from tests.shop import Shop
from workorder.flows.tickets.closing import close_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.mail.sender import MailSender
from workorder.models import Customer
from workorder.settings import Settings


async def test_status_changes_and_the_survey_are_mailed(
    shop: Shop, smtp_server: SmtpServer, smtp_settings: Settings
):
    customer = await Customer.create(
        tenant_id=shop.org.tenant.id,
        name="Mr Zhao",
        email="zhao@customer.example",
        created_by_id=shop.users["ann"].id,  # Ann added him, and files his ticket
    )
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann,
        NewTicket(
            template_id=shop.order.id,
            title="Kettle",
            customer_id=customer.id,
            cc=["watcher@shop.example"],
            fields={"order_no": "A-9"},
        ),
    )
    ticket = await forward_ticket(ann, ticket.id)
    ticket = await claim_ticket(shop.actor("cal"), ticket.id)
    await close_ticket(shop.actor("cal"), ticket.id, public_url="https://desk.example")

    sender = MailSender(smtp_settings)
    assert await sender.send_due() >= 4
    assert await sender.send_due() == 0  # nothing is sent twice
    received = smtp_server.handler.messages()
    to_watcher = [m for m in received if "watcher@shop.example" in m.rcpt_tos]
    subjects = [str(m.message["Subject"]) for m in to_watcher]
    assert subjects == [
        "[#1 Kettle] created: In progress",
        "[#1 Kettle] forwarded: Pending",
        "[#1 Kettle] claimed: In progress",
        "[#1 Kettle] closed: Done",
    ]
    # Each has its HTML alternative.
    assert all(m.message.get_content_type() == "multipart/alternative" for m in to_watcher)
    assert all("orders@shop.example" in m.rcpt_tos for m in to_watcher)  # the default CC
    survey = [m for m in received if m.rcpt_tos == ["zhao@customer.example"]]
    assert len(survey) == 1
    body = survey[0].message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "https://desk.example/survey?token=sv_" in body
    assert len(smtp_server.by_message_id()) == len(received)
