package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/node"
)

// maxElectionMs is etcd's upper bound for --election-timeout.
const maxElectionMs = 50000

// minPeerFrameBytes is the smallest --peer-max-frame-bytes: a frame must hold one append carrying the
// largest log entry (the request limit plus its envelope) with room to spare.
const minPeerFrameBytes = node.DefaultMaxRequestBytes + 64<<10

// settings are validated options, ready to start a member.
type settings struct {
	name             string
	dataDir          string
	listenPeer       *url.URL
	listenClients    []*url.URL
	advertiseClients []string
	advertisePeers   []string
	// initialCluster is --initial-cluster (or the one discovery found) as names and peer URLs.
	initialCluster  []node.Member
	explicitCluster bool
	join            bool
	token           string
	discovery       string
	fallback        string
	heartbeat       time.Duration
	election        time.Duration
	snapshotCount   uint64
	peerMaxFrame    int
	strict          bool
	logLevel        slog.Level
	logFormat       string
	tls             tlsSettings
	// forceNewCluster restarts the data dir's member as the only member of its cluster.
	forceNewCluster bool
}

// errUnsetAdvertiseClientURLs is etcd's text.
var errUnsetAdvertiseClientURLs = errors.New("--advertise-client-urls is required when --listen-client-urls is set explicitly")

// errMultipleBootstrap is etcd's text.
var errMultipleBootstrap = errors.New(`multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"`)

// validate checks the options the way etcd does and turns them into settings.
func (o *options) validate() (*settings, error) {
	s := &settings{name: o.name, dataDir: o.dataDir, token: o.initialClusterToken, discovery: o.discovery,
		fallback: o.discoveryFallback, snapshotCount: o.snapshotCount, peerMaxFrame: int(o.peerMaxFrameBytes),
		strict: o.strictReconfigCheck, logFormat: o.logFormat, forceNewCluster: o.forceNewCluster}
	if s.dataDir == "" {
		s.dataDir = s.name + ".etcd"
	}
	if err := s.logLevel.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("invalid value %q for flag -log-level: want debug, info, warn or error", o.logLevel)
	}
	if o.logFormat != "json" && o.logFormat != "text" {
		return nil, fmt.Errorf("invalid value %q for flag -log-format: want json or text", o.logFormat)
	}
	switch o.initialClusterState {
	case "new":
	case "existing":
		s.join = true
	default:
		return nil, fmt.Errorf("unexpected clusterState %q", o.initialClusterState)
	}
	if o.discoveryFallback != "exit" && o.discoveryFallback != "proxy" {
		return nil, fmt.Errorf("unexpected fallback %q (want \"exit\" or \"proxy\")", o.discoveryFallback)
	}
	if o.explicit["listen-client-urls"] && !o.explicit["advertise-client-urls"] {
		return nil, errUnsetAdvertiseClientURLs
	}
	if o.heartbeatMs == 0 {
		return nil, errors.New("--heartbeat-interval must be positive")
	}
	if o.peerMaxFrameBytes < minPeerFrameBytes {
		return nil, fmt.Errorf("--peer-max-frame-bytes[%d] must be at least %d: the largest log entry must fit one frame", o.peerMaxFrameBytes, minPeerFrameBytes)
	}
	if o.electionMs < 5*o.heartbeatMs {
		return nil, fmt.Errorf("--election-timeout[%vms] should be at least as 5 times as --heartbeat-interval[%vms]", o.electionMs, o.heartbeatMs)
	}
	if o.electionMs > maxElectionMs {
		return nil, fmt.Errorf("--election-timeout[%vms] is too long, and should be set less than %vms", o.electionMs, maxElectionMs)
	}
	s.heartbeat = time.Duration(o.heartbeatMs) * time.Millisecond
	s.election = time.Duration(o.electionMs) * time.Millisecond
	if o.discovery != "" && o.explicit["initial-cluster"] {
		return nil, errMultipleBootstrap
	}
	var err error
	peers, err := parseURLs("listen-peer-urls", o.listenPeerURLs, true)
	if err != nil {
		return nil, err
	}
	if len(peers) != 1 {
		return nil, fmt.Errorf("invalid value %q for flag -listen-peer-urls: kvd listens on exactly one peer URL", o.listenPeerURLs)
	}
	s.listenPeer = peers[0]
	if s.listenClients, err = parseURLs("listen-client-urls", o.listenClientURLs, true); err != nil {
		return nil, err
	}
	if s.advertiseClients, err = urlStrings("advertise-client-urls", o.advertiseClientURLs); err != nil {
		return nil, err
	}
	if s.advertisePeers, err = urlStrings("initial-advertise-peer-urls", o.initialAdvertisePeerURLs); err != nil {
		return nil, err
	}
	advertisedPeers, _ := parseURLs("initial-advertise-peer-urls", o.initialAdvertisePeerURLs, false)
	if s.tls, err = o.tls.build(s.listenClients, s.listenPeer, advertisedPeers); err != nil {
		return nil, err
	}
	if o.discovery != "" {
		u, err := url.Parse(o.discovery)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("invalid value %q for flag -discovery: want http://host:port/v2/keys/<path>", o.discovery)
		}
		return s, nil
	}
	cluster := o.initialCluster
	s.explicitCluster = o.explicit["initial-cluster"]
	if !s.explicitCluster {
		// etcd: without --initial-cluster, the member is alone under its own name.
		pairs := make([]string, 0, len(s.advertisePeers))
		for _, u := range s.advertisePeers {
			pairs = append(pairs, s.name+"="+u)
		}
		cluster = strings.Join(pairs, ",")
	}
	if s.initialCluster, err = parseInitialCluster(cluster); err != nil {
		return nil, fmt.Errorf("invalid value %q for flag -initial-cluster: %w", cluster, err)
	}
	return s, nil
}

// parseInitialCluster reads name=url[,name=url...]; a name may repeat to give several URLs.
// Members keep the order of their first appearance.
func parseInitialCluster(s string) ([]node.Member, error) {
	var out []node.Member
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, raw, ok := strings.Cut(pair, "=")
		if !ok || name == "" || raw == "" {
			return nil, fmt.Errorf("%q is not a name=url pair", pair)
		}
		u, err := checkURL(raw)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(out, func(m node.Member) bool { return m.Name == name })
		if i < 0 {
			out = append(out, node.Member{Name: name})
			i = len(out) - 1
		}
		out[i].PeerURLs = append(out[i].PeerURLs, u.String())
	}
	if len(out) == 0 {
		return nil, errors.New("no members given")
	}
	return out, nil
}

// parseURLs reads a comma-separated URL flag; binding URLs must name an IP (or localhost).
func parseURLs(flagName, s string, binding bool) ([]*url.URL, error) {
	var out []*url.URL
	for _, raw := range strings.Split(s, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := checkURL(raw)
		if err != nil {
			return nil, fmt.Errorf("invalid value %q for flag -%s: %w", s, flagName, err)
		}
		if binding {
			host, _, _ := net.SplitHostPort(u.Host)
			if host != "localhost" && net.ParseIP(host) == nil {
				return nil, fmt.Errorf("invalid value %q for flag -%s: expected IP in URL for binding (%s)", s, flagName, raw)
			}
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("invalid value %q for flag -%s: no valid URLs given", s, flagName)
	}
	return out, nil
}

func urlStrings(flagName, s string) ([]string, error) {
	us, err := parseURLs(flagName, s, false)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.String())
	}
	return out, nil
}

// checkURL accepts what etcd's types.NewURLs accepts, minus unix sockets: http(s)://host:port with
// no path.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https":
	case "unix", "unixs":
		return nil, fmt.Errorf("URL scheme %s is not supported by kvd (only http and https): %s", u.Scheme, raw)
	default:
		return nil, fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", raw)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return nil, fmt.Errorf(`URL address does not have the form "host:port": %s`, raw)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("URL must not contain a path: %s", raw)
	}
	u.Path = ""
	return u, nil
}
