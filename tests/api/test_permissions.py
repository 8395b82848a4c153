"""The permission matrix: every role × every endpoint × every method, with the status each must answer."""

import pytest

from .conftest import ROLES

READ_ONLY = {
    "regions": "district",
    "parks": "zone",
    "industry-chains": "chain",
    "companies": "company",
    "reports": "report",
    "indicators": "indicator",
    "figures": "figure",
    "targets": "target",
    "campaign-years": "year",
}

# role order: anonymous, official, staff, reviewer, admin
ALL_200 = (200, 200, 200, 200, 200)
WRITE_REFUSED = (401, 403, 403, 403, 405)  # the admin passes the permission; the viewset has no such method
ADMIN_ONLY_DELETE = (401, 403, 403, 403, 405)


def _cases():
    cases = []
    for resource, key in READ_ONLY.items():
        cases += [
            (f"{resource} list", "get", lambda w, r=resource: f"/api/v1/{r}/", ALL_200),
            (f"{resource} detail", "get", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", ALL_200),
            (f"{resource} create", "post", lambda w, r=resource: f"/api/v1/{r}/", WRITE_REFUSED),
            (f"{resource} put", "put", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
            (f"{resource} patch", "patch", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
            (f"{resource} delete", "delete", lambda w, r=resource, k=key: f"/api/v1/{r}/{w[k].pk}/", WRITE_REFUSED),
        ]
    public = lambda w: f"/api/v1/projects/{w['public'].pk}/"  # noqa: E731
    cases += [
        ("projects list", "get", lambda w: "/api/v1/projects/", ALL_200),
        ("public project", "get", public, ALL_200),
        # Staff see the unpublished project they are assigned to, not another one.
        (
            "assigned private project",
            "get",
            lambda w: f"/api/v1/projects/{w['private'].pk}/",
            (404, 200, 200, 200, 200),
        ),
        (
            "other private project",
            "get",
            lambda w: f"/api/v1/projects/{w['other_private'].pk}/",
            (404, 200, 404, 200, 200),
        ),
        ("project create", "post", lambda w: "/api/v1/projects/", (401, 403, 403, 403, 201)),
        ("project put", "put", public, (401, 403, 403, 403, 200)),
        ("project patch", "patch", public, (401, 403, 403, 403, 200)),
        ("project delete", "delete", public, ADMIN_ONLY_DELETE),
        (
            "private project patch",
            "patch",
            lambda w: f"/api/v1/projects/{w['other_private'].pk}/",
            (401, 403, 403, 403, 200),
        ),
        ("unpublished report", "get", lambda w: f"/api/v1/reports/{w['hidden_report'].pk}/", (404, 200, 200, 200, 200)),
        ("unpublished figure", "get", lambda w: f"/api/v1/figures/{w['hidden_figure'].pk}/", (404, 200, 200, 200, 200)),
        ("park tree", "get", lambda w: "/api/v1/parks/tree/", ALL_200),
        ("tokens list", "get", lambda w: "/api/v1/tokens/", (401, 200, 200, 200, 200)),
        ("token create", "post", lambda w: "/api/v1/tokens/", (401, 201, 201, 201, 201)),
        ("api root", "get", lambda w: "/api/v1/", ALL_200),
        ("schema", "get", lambda w: "/api/schema/", ALL_200),
    ]
    return cases


CASES = _cases()


def _payload(world, method):
    if method == "post":
        return {"name": "新项目", "region": world["district"].pk, "pool": "reserve", "total_investment": "1000.00"}
    if method == "put":
        return {"name": "年产10GW光伏组件项目", "region": world["district"].pk, "total_investment": "160000.00"}
    if method == "patch":
        return {"total_investment": "170000.00"}
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("name,method,url,expected", CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(world, client_as, role_index, role, name, method, url, expected):
    client = client_as(role)
    response = getattr(client, method)(url(world), _payload(world, method), format="json")
    assert response.status_code == expected[role_index], (name, role, response.content[:300])
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    if response.status_code >= 400:
        assert response.json()["error"]["status"] == response.status_code
