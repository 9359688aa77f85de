package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// configFileNotice is etcd 3.5's message when it runs from --config-file.
const configFileNotice = "loaded server configuration, other configuration command line flags and environment variables will be ignored if provided"

// tlsSections are etcd's nested YAML sections and the prefix their keys take as flags:
// client-transport-security.cert-file is --cert-file, peer-transport-security.cert-file is
// --peer-cert-file.
var tlsSections = map[string]string{
	"client-transport-security": "",
	"peer-transport-security":   "peer-",
}

// tlsSectionKeys are the keys of etcd 3.5's TLS sections (securityConfig).
var tlsSectionKeys = map[string]bool{
	"cert-file": true, "key-file": true, "client-cert-file": true, "client-key-file": true,
	"client-cert-auth": true, "trusted-ca-file": true, "auto-tls": true, "allowed-cn": true,
	"allowed-hostname": true,
}

// tlsKeyFlags are the section keys whose flag is not simply prefix+key (etcd's names differ).
var tlsKeyFlags = map[string]string{
	"peer-transport-security.allowed-cn":       "peer-cert-allowed-cn",
	"peer-transport-security.allowed-hostname": "peer-cert-allowed-hostname",
}

// configFromFile reads an etcd configuration file into a fresh set of options, as etcd 3.5 does:
// every key is etcd's flag name (the TLS flags sit in client-transport-security and
// peer-transport-security), a key that is absent keeps the flag's default, and a value of the wrong
// type is an error. The file's keys count as explicitly set flags. Keys kvd has no flag for are
// ignored with a warning (etcd ignores them silently).
func configFromFile(path string, out io.Writer) (*options, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// YAML goes through JSON like etcd's (sigs.k8s.io/yaml): the same YAML 1.1 scalars and types.
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("config file %s: the document must be a mapping of etcd setting names: %w", path, err)
	}
	o := &options{explicit: map[string]bool{}, configFile: path}
	fs := newFlagSet(o, out)
	var errs []error
	for _, key := range sortedKeys(doc) {
		if prefix, ok := tlsSections[key]; ok {
			errs = append(errs, o.applyTLSSection(fs, key, prefix, doc[key])...)
			continue
		}
		errs = append(errs, o.applyKey(fs, key, key, doc[key]))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return o, nil
}

func (o *options) applyTLSSection(fs *flag.FlagSet, section, prefix string, v any) []error {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return []error{fmt.Errorf("cannot unmarshal %s into %s, a mapping", jsonKind(v), section)}
	}
	var errs []error
	for _, key := range sortedKeys(m) {
		name, ok := tlsKeyFlags[section+"."+key]
		if !ok {
			name = prefix + key
		}
		if !tlsSectionKeys[key] {
			name = "" // not a key of etcd's section: no flag
		}
		errs = append(errs, o.applyKey(fs, section+"."+key, name, m[key]))
	}
	return errs
}

// applyKey sets flag name from the YAML value of key; a null value leaves the default, as in etcd.
func (o *options) applyKey(fs *flag.FlagSet, key, name string, v any) error {
	f := fs.Lookup(name)
	if name == "" || f == nil || name == "config-file" {
		o.warnings = append(o.warnings, fmt.Sprintf("config file key %q is not used by kvd; ignored", key))
		return nil
	}
	if v == nil {
		return nil
	}
	var text string
	var current any
	if g, ok := f.Value.(flag.Getter); ok {
		current = g.Get()
	}
	switch want := current.(type) {
	case nil: // a list flag (commaList): etcd's YAML gives a list of strings
		items, ok := v.([]any)
		if !ok {
			return typeError(key, v, "[]string")
		}
		parts := make([]string, 0, len(items))
		for _, item := range items {
			s, ok := item.(string)
			if !ok || s == "" || strings.Contains(s, ",") {
				return fmt.Errorf("%s: want a list of non-empty strings without commas, got %v", key, item)
			}
			parts = append(parts, s)
		}
		text = strings.Join(parts, ",")
	case string:
		s, ok := v.(string)
		if !ok {
			return typeError(key, v, "string")
		}
		text = s
	case bool:
		b, ok := v.(bool)
		if !ok {
			return typeError(key, v, "bool")
		}
		text = fmt.Sprint(b)
	default:
		n, ok := v.(json.Number)
		if !ok || strings.ContainsAny(n.String(), ".eE-") {
			return typeError(key, v, fmt.Sprintf("%T", want))
		}
		text = n.String()
	}
	if err := fs.Set(name, text); err != nil {
		return fmt.Errorf("invalid value %q for %s: %w", text, key, err)
	}
	o.explicit[name] = true
	return nil
}

// typeError is worded as etcd's (a JSON decoding error) so that operators find the same message.
func typeError(key string, v any, want string) error {
	return fmt.Errorf("cannot unmarshal %s into Go struct field %s of type %s", jsonKind(v), key, want)
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number:
		if strings.HasPrefix(v.String(), "-") {
			return "number " + v.String()
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
