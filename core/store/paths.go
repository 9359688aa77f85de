package store

import (
	"path"
	"strings"
)

// cleanKey normalises a key the way etcd does: path.Clean("/" + key).
func cleanKey(key string) string {
	if isCleanKey(key) {
		return key
	}
	return path.Clean("/" + key)
}

// isCleanKey reports, in one pass, that key certainly is its own cleaned form: it starts with "/",
// does not end with "/" (unless it is the root) and has no "//" and no "/." (so no empty, "." or ".."
// segment; a clean name starting with "." is left to path.Clean). Every applied write checks its key.
func isCleanKey(key string) bool {
	if len(key) == 0 || key[0] != '/' {
		return false
	}
	last := len(key) - 1
	if last > 0 && key[last] == '/' {
		return false
	}
	for i := range last {
		if key[i] == '/' && (key[i+1] == '/' || key[i+1] == '.') {
			return false
		}
	}
	return true
}

// userKey is the key etcd shows for a path: the root has none.
func userKey(p string) string {
	if p == "/" {
		return ""
	}
	return p
}

// under reports whether p lies strictly below dir ("/" contains everything but itself).
func under(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
}

// parentOf is the directory part of a clean non-root key ("/" for top-level keys).
func parentOf(key string) string {
	for i := len(key) - 1; i > 0; i-- {
		if key[i] == '/' {
			return key[:i]
		}
	}
	return "/"
}

// baseOf is the last segment of a clean non-root key.
func baseOf(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[i+1:]
		}
	}
	return key
}

// childPath joins a clean directory path and a segment.
func childPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}
