from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from config.numbers import parse_whole_number

MAX_OFFSET = 10**9


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` where a value that is not a whole number in range is a 400, not ignored."""

    default_limit = 50
    max_limit = 500

    def _read(self, request, name: str, minimum: int, maximum: int, default):
        values = request.query_params.getlist(name)
        if not values:
            return default
        if len(values) > 1:
            raise ValidationError({name: ["Give this parameter once."]})
        value = parse_whole_number(values[0])
        if value is None or not minimum <= value <= maximum:
            raise ValidationError({name: [f"Must be a whole number from {minimum} to {maximum}."]})
        return value

    def get_limit(self, request):
        return self._read(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, self.max_limit), self.offset_query_param: (0, MAX_OFFSET)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update({"minimum": low, "maximum": high})
        return parameters
