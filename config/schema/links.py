"""OpenAPI links between operations: what clients, and the stateful fuzzer, follow next."""


# --- links ----------------------------------------------------------------------------------

# The run's actions, as links from any answer that carries the run: {name: (method, path, description)}.
# Links go only to operations that exist (``add_links``).
RUN_ACTIONS = {
    "GetRun": ("get", "/api/admin/production-runs/{id}/", "The run, with its tasks."),
    "GetRunActivities": ("get", "/api/admin/production-runs/{id}/activities/", "The run's timeline."),
    "GetRunLedger": ("get", "/api/admin/production-runs/{id}/ledger", "Where every unit of the (root) run is."),
    "RunApprove": ("post", "/api/admin/production-runs/{id}/approve", "Approve the run (waiting for review)."),
    "RunDispatch": ("post", "/api/admin/production-runs/{id}/dispatch", "Dispatch the (approved) run."),
    "RunDispatchConfirm": ("post", "/api/admin/production-runs/{id}/dispatch/confirm",
                           "Confirm the run's waiting dispatch with its templates."),
    "RunDispatchCancel": ("post", "/api/admin/production-runs/{id}/dispatch/cancel",
                          "Cancel the run's waiting dispatch."),
    "RunCancel": ("post", "/api/admin/production-runs/{id}/cancel", "Cancel the run."),
    "RunReassign": ("post", "/api/admin/production-runs/{id}/reassign", "Give the run to another partner."),
    "RunComplete": ("post", "/api/admin/production-runs/{id}/complete", "Complete the run on its partner's behalf."),
    "RunCorrectOutput": ("post", "/api/admin/production-runs/{id}/correct-output",
                         "Correct the (completed) run's output."),
    "RunRemake": ("post", "/api/admin/production-runs/{id}/remake", "Remake the units the run did not deliver."),
    "PartnerGetRun": ("get", "/api/partners/production-runs/{id}/", "The run as its partner sees it."),
    "PartnerAcceptRun": ("post", "/api/partners/production-runs/{id}/accept", "The partner accepts the run."),
    "PartnerStartRun": ("post", "/api/partners/production-runs/{id}/start", "The partner starts the run."),
    "PartnerCompleteRun": ("post", "/api/partners/production-runs/{id}/complete", "The partner completes the run."),
    "PartnerDeclineRun": ("post", "/api/partners/production-runs/{id}/decline", "The partner declines the run."),
}
TASK_ACTIONS = {
    "PartnerStartTask": ("post", "/api/partners/tasks/{id}/start", "The partner starts the run's first task."),
    "PartnerCompleteTask": ("post", "/api/partners/tasks/{id}/complete", "The partner completes the run's first task."),
}


def _link(target: str, method: str, description: str, parameters: dict | None = None, body=None) -> dict:
    link = {"operationRef": "#/paths/" + target.replace("~", "~0").replace("/", "~1") + "/" + method,
            "description": description}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
        link["x-schemathesis"] = {"merge_body": False}  # the body as given, not merged into a generated one
    return link


def _run_links(run_id: str, *, tasks: str | None = None, parent: str | None = None) -> dict:
    """What staff and the run's partner can do next with the run whose id is at ``run_id`` (its first task, at
    ``tasks``; its parent run, at ``parent``)."""
    links = {name: _link(path, method, description, {"path.id": run_id})
             for name, (method, path, description) in RUN_ACTIONS.items()}
    if tasks is not None:
        links.update({name: _link(path, method, description, {"path.id": f"{tasks}/0/id"})
                      for name, (method, path, description) in TASK_ACTIONS.items()})
    if parent is not None:
        for name in ("GetRun", "GetRunLedger", "RunRemake"):
            method, path, description = RUN_ACTIONS[name]
            links[name.replace("Run", "ParentRun", 1)] = _link(path, method, f"Of the parent run: {description}",
                                                               {"path.id": parent})
    return links


def _along_routing(run: str) -> dict:
    """A run (waiting for review, or for a partner) given to the partner its design's routing names first."""
    routed_partner = "$response.body#/snapshot/routing/assignments/0/partner"
    return {
        "ApproveAlongRouting": _link(
            "/api/admin/production-runs/{id}/approve", "post",
            "Approve the run into one child for the partner its design's routing names first.",
            {"path.id": run}, {"assignments": [{"partner": routed_partner, "quantity": "$response.body#/quantity"}]},
        ),
        "ReassignAlongRouting": _link(
            "/api/admin/production-runs/{id}/reassign", "post",
            "Give the run to the partner its design's routing names first.",
            {"path.id": run}, {"partner": routed_partner},
        ),
    }


def _links() -> dict[tuple[str, str, str], dict]:
    """{(path, method, status): {name: link}}: the workflow, from a design to a completed run and its remake."""
    run, tasks, parent = "$response.body#/id", "$response.body#/tasks", "$response.body#/parent_run"
    routing = "$response.body#/routing"
    detail = {**_run_links(run, tasks=tasks, parent=parent), **_along_routing(run)}
    links = {
        # A design with a routing: a run allocated to its first routed partner.
        ("/api/admin/designs/{id}/", "get", "200"): {
            "AllocateAlongRouting": _link(
                "/api/admin/designs/{id}/production-runs/", "post",
                "A run of one piece allocated to the partner the design's routing names first.",
                {"path.id": "$response.body#/id"},
                {"quantity": 1, "assignments": [{"partner": f"{routing}/assignments/0/partner", "quantity": 1}]},
            ),
        },
        # A link between a design and a partner: a run of the design allocated to that partner.
        ("/api/admin/designs/{id}/partners/", "post", "201"): {
            "AllocateToLinkedPartner": _link(
                "/api/admin/designs/{id}/production-runs/", "post",
                "A run of one piece of the design allocated to the linked partner.",
                {"path.id": "$response.body#/design"},
                {"quantity": 1, "assignments": [{"partner": "$response.body#/partner", "quantity": 1}]},
            ),
        },
        # Answers that are a run: what can be done with it next.
        ("/api/admin/production-runs/", "post", "201"): detail,
        ("/api/admin/production-runs/{id}/", "get", "200"): detail,
        ("/api/admin/production-runs/{id}/dispatch", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/dispatch/confirm", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/dispatch/cancel", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/cancel", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/reassign", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/complete", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/correct-output", "post", "200"): detail,
        ("/api/admin/production-runs/{id}/remake", "post", "201"): detail,
        ("/api/partners/production-runs/{id}/", "get", "200"): _run_links(run, tasks=tasks, parent=parent),
        ("/api/partners/production-runs/{id}/accept", "post", "200"): _run_links(run, tasks=tasks, parent=parent),
        ("/api/partners/production-runs/{id}/start", "post", "200"): _run_links(run, tasks=tasks, parent=parent),
        ("/api/partners/production-runs/{id}/complete", "post", "200"): _run_links(run, tasks=tasks, parent=parent),
        ("/api/partners/production-runs/{id}/decline", "post", "200"): _run_links(run, parent=parent),
        # A task: its run.
        ("/api/partners/tasks/{id}/start", "post", "200"): _run_links("$response.body#/production_run"),
        ("/api/partners/tasks/{id}/complete", "post", "200"): _run_links("$response.body#/production_run"),
        # The ledger: the run, and its first remake.
        ("/api/admin/production-runs/{id}/ledger", "get", "200"): {
            "GetLedgerRun": _link("/api/admin/production-runs/{id}/", "get", "The run.",
                                  {"path.id": "$response.body#/run"}),
            "GetFirstRemake": _link("/api/admin/production-runs/{id}/", "get", "Its first remake.",
                                    {"path.id": "$response.body#/remakes/0"}),
        },
    }
    # A dispatch waiting for templates: confirmed with those its design's routing names.
    links[("/api/admin/production-runs/{id}/dispatch", "post", "202")] = {
        **detail,
        "ConfirmWithRoutingCategory": _link(
            "/api/admin/production-runs/{id}/dispatch/confirm", "post",
            "Confirm with the template category the design's routing names.",
            {"path.id": run}, {"template_category": "$response.body#/snapshot/routing/template_category"},
        ),
    }
    # A run split into children: the first can be dispatched with its design's routed templates.
    child = "$response.body#/children/0/id"
    for source in (("/api/admin/designs/{id}/production-runs/", "post", "201"),
                   ("/api/admin/production-runs/{id}/approve", "post", "200")):
        links[source] = {
            **_run_links(child, parent="$response.body#/run/id"),
            "DispatchWithRoutingCategory": _link(
                "/api/admin/production-runs/{id}/dispatch", "post",
                "Dispatch the first child at once with the template category its design's routing names.",
                {"path.id": child}, {"template_category": "$response.body#/run/snapshot/routing/template_category"},
            ),
        }
    return links


def add_links(result) -> None:
    """OpenAPI links: from a response to the operations that take its ids next (only to operations that exist)."""
    paths = result.get("paths", {})
    for (path, method, status), links in _links().items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        kept = {}
        for name, link in links.items():
            target_path, target_method = _target(link["operationRef"])
            if target_method in paths.get(target_path, {}):
                kept[name] = link
        if kept:
            response.setdefault("links", {}).update(kept)


def _target(operation_ref: str) -> tuple[str, str]:
    encoded, method = operation_ref.removeprefix("#/paths/").rsplit("/", 1)
    return encoded.replace("~1", "/").replace("~0", "~"), method
