package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"
)

// flagSpec is one flag as help lists it: its names in declaration order (aliases share a
// line), its usage, whether it takes a value, and the default help shows.
type flagSpec struct {
	names []string
	usage string
	value bool
	// def is the default as help shows it ("" shows none).
	def string
}

// flagSet is a flag.FlagSet that also remembers its flags in declaration order, so that help
// lists them as etcdctl does (its CLI library keeps the order flags were declared in).
type flagSet struct {
	*flag.FlagSet
	specs []*flagSpec
}

func newFlagSet(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(discard{})
	return &flagSet{FlagSet: fs}
}

// discard is the output of flag's own messages: errors are reported by the caller.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func (f *flagSet) record(names []string, usage string, value bool, def string) {
	f.specs = append(f.specs, &flagSpec{names: names, usage: usage, value: value, def: def})
}

// Bool defines a bool flag.
func (f *flagSet) Bool(name string, value bool, usage string) *bool {
	p := new(bool)
	f.BoolVar(p, name, value, usage)
	return p
}

// BoolVar defines a bool flag.
func (f *flagSet) BoolVar(p *bool, name string, value bool, usage string) {
	f.FlagSet.BoolVar(p, name, value, usage)
	f.record([]string{name}, usage, false, "")
}

// Int defines an int flag; help shows its default, 0 included.
func (f *flagSet) Int(name string, value int, usage string) *int {
	p := new(int)
	f.IntVar(p, name, value, usage)
	return p
}

// IntVar defines an int flag.
func (f *flagSet) IntVar(p *int, name string, value int, usage string) {
	f.FlagSet.IntVar(p, name, value, usage)
	f.record([]string{name}, usage, true, strconv.Itoa(value))
}

// Int64Var defines an int64 flag.
func (f *flagSet) Int64Var(p *int64, name string, value int64, usage string) {
	f.FlagSet.Int64Var(p, name, value, usage)
	f.record([]string{name}, usage, true, strconv.FormatInt(value, 10))
}

// Uint64Var defines a uint64 flag.
func (f *flagSet) Uint64Var(p *uint64, name string, value uint64, usage string) {
	f.FlagSet.Uint64Var(p, name, value, usage)
	f.record([]string{name}, usage, true, strconv.FormatUint(value, 10))
}

// Float64Var defines a float64 flag.
func (f *flagSet) Float64Var(p *float64, name string, value float64, usage string) {
	f.FlagSet.Float64Var(p, name, value, usage)
	f.record([]string{name}, usage, true, strconv.FormatFloat(value, 'g', -1, 64))
}

// DurationVar defines a duration flag.
func (f *flagSet) DurationVar(p *time.Duration, name string, value time.Duration, usage string) {
	f.FlagSet.DurationVar(p, name, value, usage)
	f.record([]string{name}, usage, true, value.String())
}

// String defines a string flag; help shows a non-empty default in quotes.
func (f *flagSet) String(name, value, usage string) *string {
	p := new(string)
	f.stringVar(p, value, usage, name)
	return p
}

// StringVar defines a string flag.
func (f *flagSet) StringVar(p *string, name, value, usage string) {
	f.stringVar(p, value, usage, name)
}

// stringVar binds every name to p.
func (f *flagSet) stringVar(p *string, value, usage string, names ...string) {
	for _, n := range names {
		f.FlagSet.StringVar(p, n, value, usage)
	}
	def := ""
	if value != "" {
		def = fmt.Sprintf("%q", value)
	}
	f.record(names, usage, true, def)
}

// Var defines a flag of a custom value (a list); help shows no default.
func (f *flagSet) Var(v flag.Value, name, usage string) {
	f.FlagSet.Var(v, name, usage)
	f.record([]string{name}, usage, true, "")
}

// boolAliases binds several flag names (e.g. "recursive" and "r") to one bool.
func (f *flagSet) boolAliases(p *bool, usage string, names ...string) {
	for _, n := range names {
		f.FlagSet.BoolVar(p, n, false, usage)
	}
	f.record(names, usage, false, "")
}

// stringAliases binds several flag names to one string.
func (f *flagSet) stringAliases(p *string, value, usage string, names ...string) {
	f.stringVar(p, value, usage, names...)
}
