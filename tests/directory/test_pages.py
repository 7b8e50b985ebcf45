"""The directory's pages that exist so far: community buildings."""


def test_directory_lists_community_buildings(client, make):
    hall = make.location(name="Cambrian Hall", town="Oswestry", accessibility=["step_free"])
    page = client.get_page("/directory")
    link = page.find("a", string="Cambrian Hall")
    assert link["href"] == f"/directory/places/{hall.id}"


def test_a_building_page_shows_access_and_facilities(client, make):
    hall = make.location(
        name="Cambrian Hall", accessibility=["step_free", "hearing_loop"], facilities=["kitchen"]
    )
    page = client.get_page(f"/directory/places/{hall.id}")
    text = page.get_text()
    assert "Step-free access, Hearing loop" in text and "Kitchen" in text
    assert "Open Government Licence" in text  # the geography's attribution


def test_user_text_is_escaped(client, make):
    hall = make.location(name="<script>alert('x')</script> Hall")
    body = client.get(f"/directory/places/{hall.id}").get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_missing_building_is_404(client):
    client.get_page("/directory/places/999999", status=404)
