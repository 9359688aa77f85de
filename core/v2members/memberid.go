package v2members

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MemberID is the ID etcd gives a member added at runtime: MemberIDWithToken with the decimal unix
// seconds of now as the token (ETCD_V2_API.md §9). Two adds of the same URLs in one second collide.
func MemberID(peerURLs []string, now time.Time) uint64 {
	return MemberIDWithToken(peerURLs, strconv.FormatInt(now.Unix(), 10))
}

// MemberIDWithToken is the first 8 bytes (big endian) of SHA-1(peer URLs sorted and concatenated
// with no separator, followed by token). A statically bootstrapped member uses the cluster token
// (ETCD_V2_API.md §11).
func MemberIDWithToken(peerURLs []string, token string) uint64 {
	sorted := slices.Clone(peerURLs)
	slices.Sort(sorted)
	sum := sha1.Sum([]byte(strings.Join(sorted, "") + token))
	return binary.BigEndian.Uint64(sum[:8])
}

// errNoURLs is etcd's error for an empty peer URL list.
var errNoURLs = errors.New("no valid URLs given")

// parsePeerURLs validates and normalises peer URLs like etcd's types.NewURLs: http(s) URLs need a
// host:port and no path; the result is sorted.
func parsePeerURLs(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errNoURLs
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		u, err := url.Parse(s)
		if err != nil {
			return nil, err
		}
		switch u.Scheme {
		case "http", "https":
			if _, _, err := net.SplitHostPort(u.Host); err != nil {
				return nil, fmt.Errorf(`URL address does not have the form "host:port": %s`, s)
			}
			if u.Path != "" {
				return nil, fmt.Errorf("URL must not contain a path: %s", s)
			}
		case "unix", "unixs":
		default:
			return nil, fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", s)
		}
		out = append(out, u.String())
	}
	slices.Sort(out)
	return out, nil
}
