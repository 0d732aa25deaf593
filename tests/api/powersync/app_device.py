"""The mobile app 2.0.5's side of an upload, as its connector makes it (lib/powersync/
connector.dart): one CRUD entry of the local database becomes ``{"table", "data"}`` with the
id as a string, every ``_id`` suffix stripped, date-only columns cut to 10 characters; the
method is the entry's operation. Values are what the local SQLite holds: booleans 0/1,
decimals as floats, times as ISO strings, PATCH only the changed columns, DELETE only the id."""

from __future__ import annotations

from typing import Any

URL = "/api/v2/upload-powersync-data"
DATE_ONLY = {
    "manager_routine": ("start", "end"),
    "manager_workoutsession": ("date",),
    "nutrition_nutritionplan": ("start", "end"),
    "gallery_image": ("date",),
}
METHODS = {"put": "PUT", "patch": "PATCH", "delete": "DELETE"}


def transform(table: str, op_id: Any, op_data: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(op_id)}
    for key, value in (op_data or {}).items():
        name = key[: -len("_id")] if key.endswith("_id") else key
        if name in DATE_ONLY.get(table, ()) and isinstance(value, str):
            value = value[:10]
        data[name] = value
    return data


class Device:
    """One signed-in phone: ``device.put(table, id, {...})`` uploads one CRUD entry."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def send(self, op: str, table: str, op_id: Any, op_data: dict | None = None):
        body = {"table": table, "data": transform(table, op_id, op_data)}
        return self.client.open(URL, method=METHODS[op], json=body, headers=self.headers)

    def ok(self, op: str, table: str, op_id: Any, op_data: dict | None = None) -> None:
        response = self.send(op, table, op_id, op_data)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == {"status": "ok!"}, response.get_json()

    def refused(self, op: str, table: str, op_id: Any, op_data: dict | None = None) -> dict:
        response = self.send(op, table, op_id, op_data)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert "error" in body, body
        return body

    def put(self, table: str, op_id: Any, op_data: dict) -> None:
        self.ok("put", table, op_id, op_data)

    def patch(self, table: str, op_id: Any, op_data: dict) -> None:
        self.ok("patch", table, op_id, op_data)

    def delete(self, table: str, op_id: Any) -> None:
        self.ok("delete", table, op_id)

    def transaction(self, *entries: tuple) -> None:
        """A CRUD transaction: its entries in order, each must be ok."""
        for entry in entries:
            self.ok(*entry)
