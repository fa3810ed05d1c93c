"""Example arguments for every registered read query (core.queries), one module per area.

Each module defines ARGUMENTS: {query name: function(context, outside=False) -> (args, kwargs)}, where `context` is a
tests.core.test_query_scope.ScopeContext (the base, an in-scope case, an out-of-scope case, ids…).
The scope matrix test fails for a registered query that no module gives arguments for.

For a query declared with `case_arg`, `outside=True` must give arguments naming `context.outside_case_id`
(the test expects a refusal). Counts and figures that the name/reference scan cannot see (dashboard,
indicators) need their own test beside the area's other tests: an agent's totals equal those of her
in-scope cases (`context.inside_count`).
"""
