package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// options are kvd's settings after flags and environment variables.
type options struct {
	name                     string
	dataDir                  string
	listenPeerURLs           string
	listenClientURLs         string
	advertiseClientURLs      string
	initialAdvertisePeerURLs string
	initialCluster           string
	initialClusterState      string
	initialClusterToken      string
	discovery                string
	discoveryFallback        string
	discoveryProxy           string
	heartbeatMs              uint
	electionMs               uint
	snapshotCount            uint64
	peerMaxFrameBytes        uint
	enableV2                 bool
	strictReconfigCheck      bool
	logLevel                 string
	logFormat                string
	tls                      tlsOptions
	forceNewCluster          bool
	// configFile is --config-file (or ETCD_CONFIG_FILE): when set, every other setting comes from it.
	configFile string

	// explicit records which flags were set, by the command line or the environment.
	explicit map[string]bool
	// warnings and notices are reported once the logger exists (unknown ETCD_* variables, ignored
	// settings; the config file in use).
	warnings []string
	notices  []string
}

// errUsage marks a command-line error: the process exits with status 2, like the flag package.
var errUsage = errors.New("usage error")

// newFlagSet declares every flag with etcd's name and default.
func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kvd", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.name, "name", "default", "Human-readable name for this member.")
	fs.StringVar(&o.dataDir, "data-dir", "", "Path to the data directory (default \"${name}.etcd\").")
	fs.StringVar(&o.listenPeerURLs, "listen-peer-urls", "http://localhost:2380", "URL to listen on for peer traffic.")
	fs.StringVar(&o.listenClientURLs, "listen-client-urls", "http://localhost:2379", "List of URLs to listen on for client traffic.")
	fs.StringVar(&o.advertiseClientURLs, "advertise-client-urls", "http://localhost:2379", "List of this member's client URLs to advertise to the rest of the cluster.")
	fs.StringVar(&o.initialAdvertisePeerURLs, "initial-advertise-peer-urls", "http://localhost:2380", "List of this member's peer URLs to advertise to the rest of the cluster.")
	fs.StringVar(&o.initialCluster, "initial-cluster", "default=http://localhost:2380", "Initial cluster configuration for bootstrapping.")
	fs.StringVar(&o.initialClusterState, "initial-cluster-state", "new", "Initial cluster state ('new' or 'existing').")
	fs.StringVar(&o.initialClusterToken, "initial-cluster-token", "etcd-cluster", "Initial cluster token for the etcd cluster during bootstrap.")
	fs.StringVar(&o.discovery, "discovery", "", "Discovery URL used to bootstrap the cluster.")
	fs.StringVar(&o.discoveryFallback, "discovery-fallback", "proxy", "Expected behavior ('exit' or 'proxy') when discovery services fails.")
	fs.StringVar(&o.discoveryProxy, "discovery-proxy", "", "HTTP proxy to use for traffic to discovery service (not supported).")
	fs.UintVar(&o.heartbeatMs, "heartbeat-interval", 100, "Time (in milliseconds) of a heartbeat interval.")
	fs.UintVar(&o.electionMs, "election-timeout", 1000, "Time (in milliseconds) for an election to timeout.")
	fs.Uint64Var(&o.snapshotCount, "snapshot-count", 100000, "Number of committed transactions to trigger a snapshot to disk.")
	fs.UintVar(&o.peerMaxFrameBytes, "peer-max-frame-bytes", 64<<20, "kvd only: largest peer frame in bytes, both ways (snapshots are streamed to peers in chunks of at most this size, whatever theirs).")
	fs.BoolVar(&o.enableV2, "enable-v2", false, "Accepted for compatibility; kvd always serves the v2 API.")
	fs.BoolVar(&o.strictReconfigCheck, "strict-reconfig-check", true, "Reject reconfiguration requests that would cause quorum loss.")
	fs.StringVar(&o.logLevel, "log-level", "info", "Configures log level. Only supports debug, info, warn, error.")
	fs.StringVar(&o.logFormat, "log-format", "json", "Log format on stderr: json or text.")
	fs.BoolVar(&o.forceNewCluster, "force-new-cluster", false, "Force to create a new one-member cluster.")
	fs.StringVar(&o.configFile, "config-file", "", "Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.")
	addTLSFlags(fs, &o.tls)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage of kvd:\n")
		fs.PrintDefaults()
		fmt.Fprint(out, usageEnvironment)
	}
	return fs
}

// usageEnvironment ends kvd's usage: the environment it reads besides the flags.
const usageEnvironment = `
Environment:
  ETCD_<FLAG>      every flag, as in etcd (ETCD_NAME for --name; a flag given both ways is an error)
  KVD_TIMER_SLACK  the process's Linux timer slack (default 4ms, at most 10ms; off keeps the inherited one)
  GOGC             set: Go's collector as it says, without kvd's tuning to the live heap
`

// envPrefix is etcd's: --foo-bar is also ETCD_FOO_BAR.
const envPrefix = "ETCD_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseOptions reads args, then fills every flag not given on the command line from its ETCD_*
// variable. A flag given both ways is an error, as in etcd. With --config-file (or
// ETCD_CONFIG_FILE) the settings come from that file alone, as in etcd 3.5: the other flags and
// variables are ignored (kvd names them in a warning).
func parseOptions(args []string, getenv func(string) (string, bool), environ []string, out io.Writer) (*options, error) {
	o := &options{explicit: map[string]bool{}}
	fs := newFlagSet(o, out)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(out, "kvd: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { o.explicit[f.Name] = true })
	if o.configFile == "" {
		o.configFile, _ = getenv(envName("config-file"))
	}
	if o.configFile != "" {
		return optionsFromFile(o.configFile, fs, environ, out)
	}
	known := map[string]bool{}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := envName(f.Name)
		known[env] = true
		val, ok := getenv(env)
		if !ok {
			return
		}
		if o.explicit[f.Name] {
			errs = append(errs, fmt.Errorf("conflicting environment variable %q is shadowed by corresponding command-line flag (either unset environment variable or disable flag)", env))
			return
		}
		if err := fs.Set(f.Name, val); err != nil {
			errs = append(errs, fmt.Errorf("invalid value %q for environment variable %s: %w", val, env, err))
			return
		}
		o.explicit[f.Name] = true
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix) && !known[name] {
			unknown = append(unknown, kv)
		}
	}
	sort.Strings(unknown)
	for _, kv := range unknown {
		o.warnings = append(o.warnings, "unrecognized environment variable "+kv)
	}
	return o, nil
}

// optionsFromFile is parseOptions with a config file: the file's settings, and a warning naming the
// flags and ETCD_* variables that are ignored.
func optionsFromFile(path string, cmdline *flag.FlagSet, environ []string, out io.Writer) (*options, error) {
	o, err := configFromFile(path, out)
	if err != nil {
		return nil, err
	}
	var ignored []string
	cmdline.Visit(func(f *flag.Flag) {
		if f.Name != "config-file" {
			ignored = append(ignored, "--"+f.Name)
		}
	})
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix) && name != envName("config-file") {
			ignored = append(ignored, name)
		}
	}
	sort.Strings(ignored)
	o.notices = append(o.notices, configFileNotice)
	if len(ignored) > 0 {
		o.warnings = append(o.warnings, "settings ignored because --config-file is given: "+strings.Join(ignored, ", "))
	}
	return o, nil
}
