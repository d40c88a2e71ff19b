#!/usr/bin/python3
"""pg-producer-python: a prometheus_client registry with every metric type
the library has, for the real-producer sweep (tests/63-real-producers.t).

Serves the registry on 127.0.0.1 at an ephemeral port, written to the
file named by the first argument once it listens. prometheus_client picks
the format from the Accept header: the text format by default,
OpenMetrics when asked for it.
"""
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import (CollectorRegistry, Counter, Enum, Gauge,
                               Histogram, Info, Summary, make_wsgi_app)
from prometheus_client.core import (GaugeHistogramMetricFamily,
                                    UnknownMetricFamily)

AWKWARD = 'quote " backslash \\ newline \n end'
TRACE = {'trace_id': '4bf92f3577b34da6a3ce929d0e0e4736'}


class ConstCollector:
    """The types prometheus_client only offers as custom collectors."""

    def collect(self):
        gh = GaugeHistogramMetricFamily(
            'pg_py_queue_wait_seconds', 'Current wait of queued items.',
            labels=['queue'])
        gh.add_metric(['fast'], [('0.1', 2), ('1.0', 5), ('+Inf', 6)],
                      gsum_value=3.5)
        yield gh
        unknown = UnknownMetricFamily('pg_py_legacy_value',
                                      'A value of unknown type.')
        unknown.add_metric([], 1e-7)
        yield unknown


def build():
    reg = CollectorRegistry()
    c = Counter('pg_py_requests', 'Requests served.', registry=reg)
    c.inc(3, exemplar=TRACE)
    cv = Counter('pg_py_errors', 'Help with a backslash \\ and a newline \n.',
                 ['code', 'path'], registry=reg)
    cv.labels('500', '/api').inc(2)
    cv.labels('404', AWKWARD).inc()
    g = Gauge('pg_py_temperature_celsius', 'A gauge that goes negative.',
              registry=reg)
    g.set(-3.5)
    gv = Gauge('pg_py_queue_length', 'Items waiting.', ['queue'], registry=reg)
    gv.labels('fast').set(7)
    gv.labels('').set(0)
    h = Histogram('pg_py_request_duration_seconds', 'Request latency.',
                  buckets=(0.005, 0.01, 0.1, 1, 10), registry=reg)
    for v in (0.003, 0.02, 0.5, 3, 30):
        h.observe(v, exemplar=TRACE)
    hv = Histogram('pg_py_response_size_bytes', 'Response sizes.', ['method'],
                   buckets=(100, 1000, 10000), registry=reg)
    hv.labels('GET').observe(1234)
    hv.labels('PUT')
    s = Summary('pg_py_rpc_duration_seconds', 'RPC latency.', registry=reg)
    s.observe(0.25)
    sv = Summary('pg_py_idle_duration_seconds', 'Never observed.', ['worker'],
                 registry=reg)
    sv.labels('w1')
    i = Info('pg_py_build', 'Build information.', registry=reg)
    i.info({'version': '1.2.3', 'revision': AWKWARD})
    e = Enum('pg_py_state', 'Current state.', states=['starting', 'running',
                                                     'stopped'], registry=reg)
    e.state('running')
    reg.register(ConstCollector())
    return reg


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    server = make_server('127.0.0.1', 0, make_wsgi_app(build()),
                         handler_class=QuietHandler)
    with open(sys.argv[1] + '.tmp', 'w') as f:
        f.write('%d\n' % server.server_port)
    os.rename(sys.argv[1] + '.tmp', sys.argv[1])
    server.serve_forever()


if __name__ == '__main__':
    main()
