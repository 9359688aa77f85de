package realproc

import "fmt"

// Flavor is the kind of server binary a cluster runs.
type Flavor string

// The server flavors. Both take etcd's flags; they differ only in what must be added to serve the
// v2 API and in the log format they are asked for.
const (
	Kvd  Flavor = "kvd"
	Etcd Flavor = "etcd"
)

// flavorArgs are the flags a flavor needs on top of the common etcd flags.
func flavorArgs(f Flavor) ([]string, error) {
	switch f {
	case Kvd:
		return []string{"--log-format", "text"}, nil
	case Etcd:
		return []string{"--enable-v2"}, nil
	default:
		return nil, fmt.Errorf("realproc: unknown flavor %q", f)
	}
}
