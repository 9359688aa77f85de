package parity

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// bodyContext is what the normalisation of a body needs to know about its request.
type bodyContext struct {
	method string
	path   string // decoded, as the server routes it
	query  url.Values
	// prevStore is the member's previous /v2/stats/store counters in this sequence (nil: none);
	// storeStats fills in the new ones.
	prevStore map[string]int64
	newStore  map[string]int64
}

// canonicalBody normalises a response body by endpoint.
func canonicalBody(n *normalizer, ctx *bodyContext, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	suffix := "\n"
	if body[len(body)-1] != '\n' {
		suffix = " [no final newline]\n"
	}
	if ctx.path == "/v2/machines" {
		return "body: " + machines(n, string(body)) + suffix
	}
	if ctx.path == "/metrics" && strings.HasPrefix(string(body), "# HELP") {
		return "body: " + metricFamilies(string(body)) + suffix
	}
	v, err := parseJSON(body)
	if err != nil {
		return "body: " + n.text(string(body)) + suffix
	}
	switch {
	case ctx.path == "/v2/stats/store":
		ctx.newStore = storeCounters(v)
		return "body: " + storeDeltas(v, ctx.prevStore) + suffix
	case ctx.path == "/v2/stats/self":
		selfStats(v)
	case ctx.path == "/v2/stats/leader":
		leaderStats(n, v)
	case strings.TrimSuffix(ctx.path, "/") == "/v2/members" && ctx.method == "GET":
		memberList(n, v)
		return "body: " + v.String() + suffix
	case strings.HasPrefix(ctx.path, "/v2/keys") && ctx.query.Get("sorted") != "true":
		sortNodes(v) // listings are in hash-map order unless sorted=true
	}
	n.json(v)
	return "body: " + v.String() + suffix
}

// sortNodes orders every "nodes" array by key, at every depth.
func sortNodes(v *jvalue) {
	switch v.kind {
	case jObject:
		for _, m := range v.members {
			if m.key == "nodes" && m.val.kind == jArray {
				items := m.val.items
				sort.SliceStable(items, func(i, j int) bool {
					return items[i].get("key").scalarOr("") < items[j].get("key").scalarOr("")
				})
			}
			sortNodes(m.val)
		}
	case jArray:
		for _, item := range v.items {
			sortNodes(item)
		}
	}
}

// scalarOr is the scalar text of v, or def when v is missing.
func (v *jvalue) scalarOr(def string) string {
	if v == nil {
		return def
	}
	return v.scalar
}

// memberList checks that members come sorted by numeric ID, as etcd sorts them, then sorts them by
// their normalised ID so that the two clusters compare.
func memberList(n *normalizer, v *jvalue) {
	list := v.get("members")
	if list == nil || list.kind != jArray {
		n.json(v)
		return
	}
	var prev uint64
	for i, item := range list.items {
		id, _ := strconv.ParseUint(item.get("id").scalarOr(""), 16, 64)
		if i > 0 && id < prev {
			v.members = append(v.members, jmember{key: "ORDER", val: str("members not sorted by id")})
			break
		}
		prev = id
	}
	n.json(v)
	sort.SliceStable(list.items, func(i, j int) bool {
		return list.items[i].get("id").scalarOr("") < list.items[j].get("id").scalarOr("")
	})
}

// machines checks the comma-separated client URLs are sorted, then sorts their normalised form.
func machines(n *normalizer, body string) string {
	urls := strings.Split(strings.TrimSpace(body), ", ")
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = n.text(u)
	}
	order := ""
	if !sort.StringsAreSorted(urls) {
		order = " [not sorted]"
	}
	sort.Strings(out)
	return strings.Join(out, ", ") + order
}

// selfStats replaces what changes by the millisecond: times, uptime, message counts, and drops
// the rates, which appear only while messages flow.
func selfStats(v *jvalue) {
	for _, k := range []string{"recvPkgRate", "recvBandwidthRate", "sendPkgRate", "sendBandwidthRate"} {
		v.remove(k)
	}
	for i := range v.members {
		m := &v.members[i]
		switch m.key {
		case "startTime":
			m.val = str("<time>")
		case "recvAppendRequestCnt", "sendAppendRequestCnt":
			m.val = str("<n>")
		case "leaderInfo":
			for j := range m.val.members {
				switch m.val.members[j].key {
				case "uptime":
					m.val.members[j].val = str("<duration>")
				case "startTime":
					m.val.members[j].val = str("<time>")
				}
			}
		}
	}
}

// leaderStats replaces latencies and counts, and names followers by their normalised IDs.
func leaderStats(n *normalizer, v *jvalue) {
	followers := v.get("followers")
	if followers == nil || followers.kind != jObject {
		return
	}
	for i := range followers.members {
		f := &followers.members[i]
		f.key = n.replacer().Replace(f.key)
		if lat := f.val.get("latency"); lat != nil {
			for j := range lat.members {
				lat.members[j].val = str("<ms>")
			}
		}
		if counts := f.val.get("counts"); counts != nil {
			for j := range counts.members {
				counts.members[j].val = str("<n>")
			}
		}
	}
	followers.sortMembers()
}

// storeCounters reads /v2/stats/store.
func storeCounters(v *jvalue) map[string]int64 {
	out := map[string]int64{}
	for _, m := range v.members {
		if x, err := strconv.ParseInt(m.val.scalar, 10, 64); err == nil {
			out[m.key] = x
		}
	}
	return out
}

// storeDeltas renders /v2/stats/store as the change of each counter since prev (the members in
// etcd's order); watchers is a gauge and shows as is. Without prev, counters show as <baseline>.
func storeDeltas(v *jvalue, prev map[string]int64) string {
	out := &jvalue{kind: jObject}
	for _, m := range v.members {
		val := m.val
		if m.key != "watchers" && m.val.kind == jNumber {
			if prev == nil {
				val = str("<baseline>")
			} else {
				x, _ := strconv.ParseInt(m.val.scalar, 10, 64)
				val = str(fmt.Sprintf("%+d", x-prev[m.key]))
			}
		}
		out.members = append(out.members, jmember{key: m.key, val: val})
	}
	return out.String()
}
