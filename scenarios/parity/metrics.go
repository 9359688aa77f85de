package parity

import (
	"sort"
	"strings"
)

// comparedMetrics are the metric families /metrics is compared on: etcd's v2 HTTP request
// metrics, the server metrics of etcd's monitoring guide (leadership and proposals) and its disk
// metrics, the ones a dashboard built for an etcd v2 member reads. Their values depend on timing and are not
// compared; a family is compared by its name, type and label names. The rest of etcd's /metrics
// (gRPC, MVCC, bbolt, Go runtime, process) describes parts kvd does not have.
var comparedMetrics = map[string]bool{
	"etcd_http_received_total":              true,
	"etcd_http_failed_total":                true,
	"etcd_http_successful_duration_seconds": true,
	"etcd_server_has_leader":                true,
	"etcd_server_is_leader":                 true,
	"etcd_server_leader_changes_seen_total": true,
	"etcd_server_proposals_committed_total": true,
	"etcd_server_proposals_applied_total":   true,
	"etcd_server_proposals_pending":         true,
	"etcd_server_proposals_failed_total":    true,
	"etcd_server_version":                   true,
	"etcd_server_id":                        true,
	// The disk families of etcd's monitoring guide that kvd has: the WAL's fsyncs and bytes, and
	// the v2 store's snapshot saves.
	"etcd_disk_wal_fsync_duration_seconds":                  true,
	"etcd_disk_wal_write_bytes_total":                       true,
	"etcd_debugging_snap_save_total_duration_seconds":       true,
	"etcd_debugging_snap_save_marshalling_duration_seconds": true,
}

// metricFamilies renders a Prometheus text exposition as the compared families it has, one per
// line: "name type {label,...}", the label names those of its samples (histogram buckets' le
// left out).
func metricFamilies(body string) string {
	types := map[string]string{}
	labels := map[string]map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			types[name] = typ
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, lbl, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		family := familyOf(name, types)
		if labels[family] == nil {
			labels[family] = map[string]bool{}
		}
		lbl, _, _ = strings.Cut(lbl, "}")
		for _, pair := range strings.Split(lbl, ",") {
			if k, _, ok := strings.Cut(pair, "="); ok && k != "le" {
				labels[family][k] = true
			}
		}
	}
	var out []string
	for name, typ := range types {
		if !comparedMetrics[name] {
			continue
		}
		var ls []string
		for l := range labels[name] {
			ls = append(ls, l)
		}
		sort.Strings(ls)
		out = append(out, name+" "+typ+" {"+strings.Join(ls, ",")+"}")
	}
	sort.Strings(out)
	return "metrics:\n" + strings.Join(out, "\n")
}

// familyOf is the family a sample belongs to: its name, or the histogram or summary it is a
// series of (_bucket, _sum, _count).
func familyOf(name string, types map[string]string) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && types[base] != "" {
			return base
		}
	}
	return name
}
