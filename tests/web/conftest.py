"""A home for the web app's tests: Điền Hòa's 22 lists loaded (11 villages × 2024, 2025) in the
registry of Phong Điền, and an account of every role."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from giamngheo.flows.settings import Settings
from giamngheo.web.accounts import Accounts
from giamngheo.web.app import create_app
from tests.conftest import copy_home

PASSWORDS = {
    "admin": "mat-khau-quan-tri",
    "dienhoa": "mat-khau-dien-hoa",  # commune 19834, Xã Điền Hòa: the lists
    "thitran": "mat-khau-thi-tran",  # commune 19819, Thị trấn Phong Điền: no list
    "hue": "mat-khau-tinh-hue",  # province 46
    "phantich": "mat-khau-phan-tich",  # analyst
}
ROLES = {
    "admin": ("admin", None),
    "dienhoa": ("commune", "19834"),
    "thitran": ("commune", "19819"),
    "hue": ("province", "46"),
    "phantich": ("analyst", None),
}


@pytest.fixture(scope="module")
def web_home(tmp_path_factory, loaded_original, prefect_harness) -> Path:
    home = copy_home(loaded_original, tmp_path_factory.mktemp("web") / "home")
    accounts = Accounts(home)
    for name, (role, unit) in ROLES.items():
        accounts.add(name, role, unit, PASSWORDS[name])
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def web_settings(web_home) -> Settings:
    return Settings.load(web_home, settle_seconds=0, max_workers=2)


@pytest.fixture(scope="module")
def app(web_settings):
    with TestClient(create_app(web_settings, warm=False)) as client:
        yield client.app


def signed_in(app, name: str) -> TestClient:
    """A client signed in as `name`, sending its CSRF token with every request."""
    client = TestClient(app, base_url="http://testserver")
    answer = client.post("/api/login", json={"username": name, "password": PASSWORDS[name]})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def as_role(app):
    clients: dict[str, TestClient] = {}

    def client(name: str) -> TestClient:
        if name not in clients:
            clients[name] = signed_in(app, name)
        return clients[name]

    return client


@pytest.fixture(scope="module")
def live(app):
    """The app served by uvicorn on a free port of loopback, for a real browser or socket."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # log_config=None: uvicorn's dictConfig would flush Prefect's API log handler under the
    # logging lock while an upload's flow logs from the writer thread, and the two wait forever.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
