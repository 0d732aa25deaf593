"""What Swagger UI and ReDoc show: no empty tag group, a readable summary on every operation."""

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def test_no_tag_is_empty_and_every_operation_has_a_summary(client):
    document = client.get("/api/v2/schema").get_json()
    operations = [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    used = {tag for operation in operations for tag in operation.get("tags", [])}
    assert {tag["name"] for tag in document.get("tags", [])} <= used
    bare = [op.get("operationId") for op in operations if not op.get("summary", "").strip()]
    assert bare == []
    assert all(op["summary"] != op.get("operationId") for op in operations)
