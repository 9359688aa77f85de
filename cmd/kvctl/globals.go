package main

import (
	"strings"
	"time"
)

// defaultEndpoints are etcdctl's endpoints when none is given.
const defaultEndpoints = "http://127.0.0.1:2379,http://127.0.0.1:4001"

// globalOptions are the flags that come before the command.
type globalOptions struct {
	debug             bool
	noSync            bool
	output            string
	discoverySRV      string
	insecureDiscovery bool
	peers             string
	endpoint          string
	endpoints         string
	certFile          string
	keyFile           string
	caFile            string
	username          string
	timeout           time.Duration
	totalTimeout      time.Duration
}

// register defines the global flags on fs and returns the --version and --help switches.
func (g *globalOptions) register(fs *flagSet) (showVersion, showHelp *bool) {
	fs.BoolVar(&g.debug, "debug", false, "output cURL commands which can be used to reproduce the request")
	fs.BoolVar(&g.noSync, "no-sync", false, "don't synchronize cluster information before sending request")
	fs.stringAliases(&g.output, "simple", "output response in the given format (`simple`, `extended` or `json`)", "output", "o")
	fs.stringAliases(&g.discoverySRV, "", "domain name to query for SRV records describing cluster endpoints", "discovery-srv", "D")
	fs.BoolVar(&g.insecureDiscovery, "insecure-discovery", false, "accept insecure SRV records describing cluster endpoints")
	fs.stringAliases(&g.peers, "", `DEPRECATED - "--endpoints" should be used instead`, "peers", "C")
	fs.StringVar(&g.endpoint, "endpoint", "", `DEPRECATED - "--endpoints" should be used instead`)
	fs.StringVar(&g.endpoints, "endpoints", "", "a comma-delimited list of machine addresses in the cluster (default: \""+defaultEndpoints+"\")")
	fs.StringVar(&g.certFile, "cert-file", "", "identify HTTPS client using this SSL certificate file")
	fs.StringVar(&g.keyFile, "key-file", "", "identify HTTPS client using this SSL key file")
	fs.StringVar(&g.caFile, "ca-file", "", "verify certificates of HTTPS-enabled servers using this CA bundle")
	fs.stringAliases(&g.username, "", "provide username[:password] and prompt if password is not supplied.", "username", "u")
	fs.DurationVar(&g.timeout, "timeout", 2*time.Second, "connection timeout per request")
	fs.DurationVar(&g.totalTimeout, "total-timeout", 5*time.Second, "timeout for the command execution (except watch)")
	showHelp = new(bool)
	fs.boolAliases(showHelp, "show help", "help", "h")
	showVersion = new(bool)
	fs.boolAliases(showVersion, "print the version", "version", "v")
	return showVersion, showHelp
}

// endpointList picks the endpoints in etcdctl's order of precedence: --endpoints,
// ETCDCTL_ENDPOINTS, --endpoint, ETCDCTL_ENDPOINT, --peers, ETCDCTL_PEERS, then the default.
func (g *globalOptions) endpointList(getenv func(string) string) []string {
	for _, candidate := range []string{
		g.endpoints, getenv("ETCDCTL_ENDPOINTS"),
		g.endpoint, getenv("ETCDCTL_ENDPOINT"),
		g.peers, getenv("ETCDCTL_PEERS"),
	} {
		if candidate != "" {
			return strings.Split(candidate, ",")
		}
	}
	return strings.Split(defaultEndpoints, ",")
}

// fileOrEnv returns the flag's value, or the environment variable's when the flag is empty.
func fileOrEnv(flagValue, envName string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	return getenv(envName)
}
