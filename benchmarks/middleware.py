"""The page benchmark's query counter (benchmarks.settings only, never production).

Counts the SQL statements a request runs on the default connection and answers them in
an `X-Bench-Queries` header, so that `bench_pages` can print queries per request of a
server running production settings (where Django records no queries).
"""

from django.db import connection

QUERIES_HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response
