package main

import (
	"flag"
	"strings"
)

// parseInterspersed parses command flags as urfave/cli v1, etcdctl's CLI library, does: every
// argument naming one of the command's flags is moved before the others, each with the next
// argument that does not start with "-" (its value, or the first positional argument when the
// flag is a boolean), up to a "--"; then Go's flag package parses the result up to its first
// positional argument, which starts the positional ones. So `set /k v --ttl 5` sets a TTL, `ls
// --sort /d -r` is not recursive (-r comes after /d), and `set --ttl -5 /k v` takes /k for the
// TTL and fails.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var moved, rest []string
	valueNext := false
	for i, arg := range args {
		if arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		switch {
		case valueNext && !strings.HasPrefix(arg, "-"):
			valueNext = false
			moved = append(moved, arg)
		case namesCommandFlag(fs, arg):
			moved = append(moved, arg)
			valueNext = !strings.Contains(arg, "=")
		default:
			rest = append(rest, arg)
		}
	}
	if err := fs.Parse(append(moved, rest...)); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// namesCommandFlag reports whether arg names a flag of the command (its help flag included),
// as urfave/cli's argIsFlag: up to three leading dashes and a "=value" are ignored.
func namesCommandFlag(fs *flag.FlagSet, arg string) bool {
	if arg == "-" || !strings.HasPrefix(arg, "-") {
		return false
	}
	if strings.HasPrefix(arg, "--") {
		arg = arg[2:]
	}
	arg = strings.TrimPrefix(arg, "-")
	name, _, _ := strings.Cut(arg, "=")
	return name == "h" || name == "help" || fs.Lookup(name) != nil
}

// parseAnywhere parses flags placed anywhere among the positional arguments, each taking the
// next argument as its value (kvctl's own commands, which need no etcdctl quirk). "--" ends the
// flags.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			positional = append(positional, arg)
			continue
		}
		flags = append(flags, arg)
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}

// isBoolFlag reports whether f needs no argument.
func isBoolFlag(f *flag.Flag) bool {
	bf, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}

// parseLeading parses flags only up to the first positional argument, so that everything after
// it (a command line to run, with its own flags) is left alone. A "--" after a positional
// argument stays in the result.
func parseLeading(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}
