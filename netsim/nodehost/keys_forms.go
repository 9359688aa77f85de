package nodehost

import (
	"net/url"
	"sort"
)

// varyForm rewrites form into another of the equivalent forms an etcd v2 client may send for the
// same request (ETCD_V2_API.md): booleans spelled as strconv.ParseBool reads them ("true", "1",
// "t", "TRUE", "True"), flags that are off sometimes sent explicitly as false, and a
// compare-and-swap sometimes also asking for an existing key (prevExist=true), which changes
// nothing: a compare needs the key. The store request must be the same whichever form arrives, so
// the keys API's translation is exercised on all of them, not only on the one form the simulator
// would otherwise always write. The form is drawn from the request ID: a run stays deterministic
// and a retry sends the same form.
func varyForm(id uint64, method string, form url.Values) {
	bits := mix64(id)
	draw := func(n uint64) uint64 {
		v := bits % n
		bits /= n
		return v
	}
	trues := [...]string{"true", "1", "t", "TRUE", "True"}
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names) // the draws must not depend on the map's order
	for _, name := range names {
		if isBoolParam(name) && form.Get(name) == "true" {
			form.Set(name, trues[draw(uint64(len(trues)))])
		}
	}
	if method == "PUT" && form.Get("prevExist") == "" && (form.Has("prevValue") || form.Has("prevIndex")) && draw(2) == 0 {
		form.Set("prevExist", trues[draw(uint64(len(trues)))])
	}
	for _, name := range []string{"recursive", "dir", "sorted", "quorum"} {
		if !form.Has(name) && draw(4) == 0 {
			form.Set(name, "false")
		}
	}
}

// isBoolParam reports whether the keys API reads the form parameter name as a boolean.
func isBoolParam(name string) bool {
	switch name {
	case "recursive", "sorted", "wait", "dir", "quorum", "stream", "prevExist", "refresh", "noValueOnSuccess":
		return true
	}
	return false
}

// mix64 spreads the bits of x (the request IDs are sequential) so that every draw varies.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
