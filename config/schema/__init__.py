"""OpenAPI post-processing: the error answers, the request rules and the links the views cannot state.

Views declare their success bodies (and 409 where a state machine can refuse);
``add_error_responses`` adds the shared error shapes so the schema tells clients the
truth about 400 / 401 / 403 / 404 everywhere (docs/api.md: Errors), and lists, per
operation, the business rules that refuse a request the schema itself allows
(``x-business-rules``). ``state_request_rules`` says in the schema what the server
enforces on request bodies, and adds the links between operations (``links``) that
clients, and the stateful fuzzer, follow.
"""


from config.schema.errors import add_error_responses, business_rules
from config.schema.requests import state_request_rules

__all__ = ["add_error_responses", "business_rules", "state_request_rules"]
