// pg-producer-go: a client_golang exposition for the real-producer sweep
// (tests/63-real-producers.t). It registers every metric type
// client_golang has, with labels, escapes and exemplars, and serves them
// with OpenMetrics enabled, on 127.0.0.1 at an ephemeral port it writes
// to -port-file once it listens. Built offline from Debian's Go packages
// (mk/tests.mk): GO111MODULE=off, GOPATH=/usr/share/gocode.
//
// Each metric type has its own register function, so that a new kind
// (native histograms, for the protobuf format) is one more function
// called from main.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values and help texts that need escaping in both formats.
const (
	awkwardValue = "quote \" backslash \\ newline \n end"
	awkwardHelp  = "Help with a backslash \\ and a newline \n in it."
)

var traceID = prometheus.Labels{"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}

func registerCounters(reg *prometheus.Registry) {
	c := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pg_go_requests_total", Help: "Requests served.",
	})
	c.(prometheus.ExemplarAdder).AddWithExemplar(3, traceID)
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pg_go", Name: "errors_total", Help: awkwardHelp,
	}, []string{"code", "path"})
	vec.WithLabelValues("500", "/api").Add(2)
	vec.WithLabelValues("404", awkwardValue).Inc()
	fn := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "pg_go_uptime_seconds_total", Help: "Seconds since start.",
	}, func() float64 { return 42 })
	reg.MustRegister(c, vec, fn)
}

func registerGauges(reg *prometheus.Registry) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pg_go_temperature_celsius", Help: "A gauge that goes negative.",
	})
	g.Set(-3.5)
	vec := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "pg_go_queue_length", Help: "Items waiting, per queue.",
		ConstLabels: prometheus.Labels{"zone": "a"},
	}, []string{"queue"})
	vec.WithLabelValues("fast").Set(7)
	vec.WithLabelValues("").Set(0)
	fn := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pg_go_ratio", Help: "A gauge computed at scrape time.",
	}, func() float64 { return 0.25 })
	reg.MustRegister(g, vec, fn)
}

func registerHistograms(reg *prometheus.Registry) {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "pg_go_request_duration_seconds", Help: "Request latency.",
		Buckets: []float64{0.005, 0.01, 0.1, 1, 10},
	})
	for _, v := range []float64{0.003, 0.02, 0.5, 3, 30} {
		h.(prometheus.ExemplarObserver).ObserveWithExemplar(v, traceID)
	}
	vec := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "pg_go_response_size_bytes", Help: "Response sizes.",
		Buckets: prometheus.ExponentialBuckets(100, 10, 4),
	}, []string{"method"})
	vec.WithLabelValues("GET").Observe(1234)
	vec.WithLabelValues("POST").Observe(50)
	vec.WithLabelValues("PUT") // a series with no observation yet
	constant := prometheus.MustNewConstHistogram(prometheus.NewDesc(
		"pg_go_batch_size", "A histogram built from counts.", nil, nil),
		10, 55, map[float64]uint64{1: 1, 5: 4, 10: 10})
	reg.MustRegister(h, vec, constCollector{constant})
}

func registerSummaries(reg *prometheus.Registry) {
	s := prometheus.NewSummary(prometheus.SummaryOpts{
		Name: "pg_go_rpc_duration_seconds", Help: "RPC latency.",
		Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001},
	})
	for i := 1; i <= 100; i++ {
		s.Observe(float64(i) / 100)
	}
	empty := prometheus.NewSummaryVec(prometheus.SummaryOpts{
		Name: "pg_go_idle_duration_seconds", Help: "A summary never observed.",
		Objectives: map[float64]float64{0.5: 0.05},
	}, []string{"worker"})
	empty.WithLabelValues("w1")
	constant := prometheus.MustNewConstSummary(prometheus.NewDesc(
		"pg_go_gc_pause_seconds", "A summary built from quantiles.", nil, nil),
		4, 0.5, map[float64]float64{0: 0.01, 0.25: 0.05, 1: 0.3})
	reg.MustRegister(s, empty, constCollector{constant})
}

// Native histograms (client_golang 1.14: NativeHistogramBucketFactor)
// exist only in the protobuf format; the text formats show their _count,
// _sum and a lone +Inf bucket. One is native only, one also has classic
// buckets, one has observations on both sides of zero and in the zero
// bucket, one has none yet.
func registerNativeHistograms(reg *prometheus.Registry) {
	native := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "pg_go_native_seconds", Help: "A native histogram.",
		NativeHistogramBucketFactor: 1.1,
	})
	for _, v := range []float64{0.001, 0.02, 0.02, 0.5, 3, 300} {
		native.Observe(v)
	}
	both := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "pg_go_both_seconds", Help: "Native and classic buckets.",
		Buckets:                     []float64{0.1, 1, 10},
		NativeHistogramBucketFactor: 2,
	})
	for _, v := range []float64{0.05, 0.5, 5, 50} {
		both.Observe(v)
	}
	signed := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "pg_go_native_delta", Help: "Native, negative and zero observations.",
		NativeHistogramBucketFactor:  1.5,
		NativeHistogramZeroThreshold: 0.001,
	}, []string{"kind"})
	for _, v := range []float64{-4, -0.5, 0, 0.0001, 2, 8} {
		signed.WithLabelValues("mixed").Observe(v)
	}
	signed.WithLabelValues("empty")
	reg.MustRegister(native, both, signed)
}

func registerUntyped(reg *prometheus.Registry) {
	u := prometheus.NewUntypedFunc(prometheus.UntypedOpts{
		Name: "pg_go_legacy_value", Help: "An untyped metric.",
	}, func() float64 { return 1e-7 })
	reg.MustRegister(u)
}

// constCollector exposes one metric made once.
type constCollector struct{ m prometheus.Metric }

func (c constCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.m.Desc() }
func (c constCollector) Collect(ch chan<- prometheus.Metric) { ch <- c.m }

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	portFile := flag.String("port-file", "", "write the port here once listening")
	flag.Parse()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector())
	registerCounters(reg)
	registerGauges(reg)
	registerHistograms(reg)
	registerSummaries(reg)
	registerNativeHistograms(reg)
	registerUntyped(reg)

	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.InstrumentMetricHandler(reg,
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true})))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *portFile != "" {
		port := ln.Addr().(*net.TCPAddr).Port
		tmp := *portFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d\n", port)), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *portFile); err != nil {
			log.Fatal(err)
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
