package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector reads the connection pool's statistics at each scrape, so
// watching the pool costs requests nothing.
type PoolCollector struct {
	pool *pgxpool.Pool

	acquired, idle, constructing, total, max  *prometheus.Desc
	acquires, emptyAcquires, canceledAcquires *prometheus.Desc
	acquireWait, emptyAcquireWait             *prometheus.Desc
	newConns, destroyed                       *prometheus.Desc
}

// NewPoolCollector returns a collector for pool's statistics.
func NewPoolCollector(pool *pgxpool.Pool) *PoolCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", name), help, labels, nil)
	}
	return &PoolCollector{
		pool:             pool,
		acquired:         d("acquired_connections", "Connections currently lent to a request."),
		idle:             d("idle_connections", "Open connections waiting for a request."),
		constructing:     d("constructing_connections", "Connections being opened."),
		total:            d("total_connections", "All connections of the pool: acquired, idle and being opened."),
		max:              d("max_connections", "The pool's size (DB_MAX_CONNS)."),
		acquires:         d("acquires_total", "Connections lent to requests."),
		emptyAcquires:    d("empty_acquires_total", "Requests that found no idle connection and had to wait for one."),
		canceledAcquires: d("canceled_acquires_total", "Requests that gave up waiting for a connection (deadline, client gone)."),
		acquireWait:      d("acquire_wait_seconds_total", "Time requests spent getting a connection."),
		emptyAcquireWait: d("empty_acquire_wait_seconds_total", "Time requests spent waiting because no connection was idle."),
		newConns:         d("new_connections_total", "Connections opened."),
		destroyed:        d("destroyed_connections_total", "Connections closed by the pool, by reason (max_lifetime, max_idle_time).", "reason"),
	}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.constructing, c.total, c.max,
		c.acquires, c.emptyAcquires, c.canceledAcquires, c.acquireWait, c.emptyAcquireWait, c.newConns, c.destroyed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	gauge(c.constructing, float64(s.ConstructingConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.max, float64(s.MaxConns()))
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(c.canceledAcquires, float64(s.CanceledAcquireCount()))
	counter(c.acquireWait, s.AcquireDuration().Seconds())
	counter(c.emptyAcquireWait, s.EmptyAcquireWaitTime().Seconds())
	counter(c.newConns, float64(s.NewConnsCount()))
	counter(c.destroyed, float64(s.MaxLifetimeDestroyCount()), "max_lifetime")
	counter(c.destroyed, float64(s.MaxIdleDestroyCount()), "max_idle_time")
}
