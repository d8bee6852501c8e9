"""What the API tests share."""

# Every draft in the ``drafts`` fixture carries this word in what it would show, so a leak is easy to find.
SECRET = "secret"


def get_json(client, url, status=200):
    """The JSON an API address answers with, checking its status and that it is JSON."""
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()
