"""External contacts, notes, customer intents and categories driven through the unchanged
Genesys Cloud Python SDK (PureCloudPlatformClientV2 269.0.0).

The server is shared by the session: tests make their own objects with unique names and
search for them by those names.
"""

from __future__ import annotations

import PureCloudPlatformClientV2 as gc

from helpers import expect_api_error, model, unique

PASSWORD = "Compat-Passw0rd!-long-enough"


def phone(display: str) -> gc.PhoneNumber:
    return model(gc.PhoneNumber, display=display)


class TestExternalContacts:
    def test_create_read_replace_delete(self, admin_client, home_division):
        api = gc.ExternalContactsApi(admin_client)
        last = unique("Doe")
        created = api.post_externalcontacts_contacts(model(
            gc.ExternalContact,
            first_name="Jane",
            last_name=last,
            work_email="jane@example.com",
            cell_phone=phone("(317) 555-0100"),
            address=model(gc.ContactAddress, city="Indianapolis", country_code="US"),
        ))
        assert isinstance(created, gc.ExternalContact)
        assert created.id and created.last_name == last
        assert created.division.id == home_division.id
        assert created.cell_phone.e164 == "+13175550100"
        assert created.address.city == "Indianapolis"
        assert created.create_date is not None

        read = api.get_externalcontacts_contact(created.id)
        assert read.first_name == "Jane" and read.cell_phone.user_input == "(317) 555-0100"

        # the SDK round trip: the object as read, changed, sent back whole
        read.title = "Buyer"
        read.cell_phone = None
        replaced = api.put_externalcontacts_contact(created.id, read)
        assert replaced.title == "Buyer"
        assert replaced.cell_phone is None

        found = api.get_externalcontacts_contacts(q=last.lower(), page_size=10)
        assert isinstance(found, gc.ContactListing)
        assert [c.id for c in found.entities] == [created.id]
        assert found.total == 1

        api.delete_externalcontacts_contact(created.id)
        err = expect_api_error(404, api.get_externalcontacts_contact, created.id)
        assert err["code"] == "not.found"

    def test_search_by_phone_and_email(self, admin_client):
        api = gc.ExternalContactsApi(admin_client)
        mail = unique("buyer").lower() + "@example.net"
        c = api.post_externalcontacts_contacts(model(
            gc.ExternalContact, last_name=unique("Roe"), personal_email=mail, home_phone=phone("+44 20 7946 0123")))
        assert [x.id for x in api.get_externalcontacts_contacts(q=mail[:12].upper()).entities] == [c.id]
        by_phone = api.get_externalcontacts_contacts(q="+44 20 7946 0123").entities
        assert c.id in [x.id for x in by_phone]

    def test_validation_names_the_field(self, admin_client):
        api = gc.ExternalContactsApi(admin_client)
        err = expect_api_error(400, api.post_externalcontacts_contacts,
                               model(gc.ExternalContact, last_name="Doe", work_email="not-an-email"))
        assert err["messageParams"]["field"] == "workEmail"
        err = expect_api_error(400, api.post_externalcontacts_contacts,
                               model(gc.ExternalContact, last_name="Doe", custom_fields={"x": 1}))
        assert err["messageParams"]["field"] == "customFields"

    def test_notes(self, admin_client):
        api = gc.ExternalContactsApi(admin_client)
        c = api.post_externalcontacts_contacts(model(gc.ExternalContact, first_name=unique("Noted")))
        note = api.post_externalcontacts_contact_notes(c.id, model(gc.Note, note_text="Called about a refund"))
        assert isinstance(note, gc.Note)
        assert note.entity_id == c.id and note.entity_type == "contact"
        note.note_text = "Refund approved"
        updated = api.put_externalcontacts_contact_note(c.id, note.id, note)
        assert updated.note_text == "Refund approved"
        listing = api.get_externalcontacts_contact_notes(c.id, sort_order="createDate:desc")
        assert isinstance(listing, gc.NoteListing)
        assert [n.id for n in listing.entities] == [note.id]
        assert api.get_externalcontacts_contact_note(c.id, note.id).note_text == "Refund approved"
        api.delete_externalcontacts_contact_note(c.id, note.id)
        expect_api_error(404, api.get_externalcontacts_contact_note, c.id, note.id)

    def test_agents_of_another_division_do_not_see_contacts(self, admin_client, authz_api, make_user, user_client):
        division = authz_api.post_authorization_divisions(model(gc.AuthzDivision, name=unique("Branch")))
        user, email, _ = make_user(division_id=division.id, password=PASSWORD)
        authz_api.put_user_roles(user.id, ["agent"])
        agent = gc.ExternalContactsApi(user_client(email, PASSWORD))
        theirs = agent.post_externalcontacts_contacts(model(gc.ExternalContact, first_name=unique("Branch")))
        assert theirs.division.id == division.id
        home = gc.ExternalContactsApi(admin_client).post_externalcontacts_contacts(
            model(gc.ExternalContact, first_name=unique("Home")))
        expect_api_error(404, agent.get_externalcontacts_contact, home.id)
        assert agent.get_externalcontacts_contact(theirs.id).id == theirs.id


class TestIntents:
    def test_categories_and_intents(self, admin_client):
        api = gc.IntentsApi(admin_client)
        category = api.post_intents_categories(model(gc.IntentsCategory, name=unique("Billing")))
        assert isinstance(category, gc.IntentsCategory) and category.date_created is not None
        intent = api.post_intents_customerintents(model(
            gc.CustomerIntent, name=unique("Refund"), expiry_time=48, category_id=category.id))
        assert isinstance(intent, gc.CustomerIntentResponse)
        assert intent.category.id == category.id and intent.expiry_time == 48

        patched = api.patch_intents_customerintent(intent.id, model(gc.CustomerIntentPatch, description="Money back"))
        assert patched.description == "Money back" and patched.name == intent.name
        listing = api.get_intents_customerintents(category_id=category.id, query_value=intent.name)
        assert isinstance(listing, gc.CustomerIntentListing)
        assert [i.id for i in listing.entities] == [intent.id]
        cats = api.get_intents_categories(query_value=category.name)
        assert isinstance(cats, gc.IntentsCategoryListing) and [c.id for c in cats.entities] == [category.id]
        renamed = api.patch_intents_category(category.id, model(gc.IntentsCategoryPatch, name=category.name + " EU"))
        assert renamed.name == category.name + " EU"

        expect_api_error(409, api.delete_intents_category, category.id)
        api.delete_intents_customerintent(intent.id)
        api.delete_intents_category(category.id)
        expect_api_error(404, api.get_intents_category, category.id)

    def test_validation_names_the_field(self, admin_client):
        api = gc.IntentsApi(admin_client)
        err = expect_api_error(400, api.post_intents_customerintents,
                               model(gc.CustomerIntent, name=unique("Late"), expiry_time=0))
        assert err["messageParams"]["field"] == "expiryTime"
