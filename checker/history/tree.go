package history

import "strings"

// Entry is one child of a directory as a listing shows it.
type Entry struct {
	Name  string
	Dir   bool
	Value string
}

// Listing is the canonical text of a directory's listing, the Result of a read that found a
// directory: its children in the order given (the store lists them in byte order of their names,
// hidden ones left out, and after each directory its own children when the read is recursive),
// each as "name/" for a directory or "name=value" for a file, names being paths below the listed
// directory, separated by commas. An empty directory lists as "".
func Listing(entries []Entry) string {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(e.Name)
		if e.Dir {
			b.WriteByte('/')
		} else {
			b.WriteByte('=')
			b.WriteString(e.Value)
		}
	}
	return b.String()
}

// treeFlags renders the directory flags of o for String: " dir", " recursive", " in-order".
func treeFlags(o Op) string {
	var f string
	if o.Dir {
		f += " dir"
	}
	if o.Recursive {
		f += " recursive"
	}
	if o.InOrder {
		f += " in-order"
	}
	return f
}
