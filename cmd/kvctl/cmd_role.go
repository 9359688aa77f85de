package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"reflect"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func roleCommand() *command {
	return &command{
		name: "role", usage: "role add, grant and revoke subcommands",
		subcommands: []*command{
			{name: "add", usage: "add a new role for the etcd cluster", argsUsage: "<role> ", setup: noFlags(roleAdd)},
			{name: "get", usage: "get details for a role", argsUsage: "<role>", setup: noFlags(roleGet)},
			{name: "list", usage: "list all roles", argsUsage: " ", setup: noFlags(roleList)},
			{name: "remove", usage: "remove a role from the etcd cluster", argsUsage: "<role>", setup: noFlags(roleRemove)},
			{name: "grant", usage: "grant path matches to an etcd role", argsUsage: "<role>", setup: roleGrantRevokeSetup(true)},
			{name: "revoke", usage: "revoke path matches for an etcd role", argsUsage: "<role>", setup: roleGrantRevokeSetup(false)},
		},
	}
}

func roleAdd(cx *cmdContext) int {
	name, ok := cx.oneName("role name")
	if !ok {
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		_, err := c.GetRole(ctx, name)
		var ae *v2client.AuthError
		switch {
		case err == nil:
			return fmt.Errorf("Role %s already exists", name)
		case !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound:
			return err
		}
		if err := c.AddRole(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(cx.app.stdout, "Role %s created\n", name)
		return nil
	})
}

func roleGet(cx *cmdContext) int {
	name, ok := cx.oneName("role name")
	if !ok {
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		r, err := c.GetRole(ctx, name)
		if err != nil {
			return err
		}
		cx.printRole(r)
		return nil
	})
}

// printRole shows a role as etcdctl does.
func (cx *cmdContext) printRole(r v2client.Role) {
	w := cx.app.stdout
	fmt.Fprintf(w, "Role: %s\nKV Read:\n", r.Role)
	for _, p := range r.Permissions.KV.Read {
		fmt.Fprintf(w, "\t%s\n", p)
	}
	fmt.Fprintln(w, "KV Write:")
	for _, p := range r.Permissions.KV.Write {
		fmt.Fprintf(w, "\t%s\n", p)
	}
}

func roleList(cx *cmdContext) int {
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		roles, err := c.Roles(ctx)
		if err != nil {
			return err
		}
		for _, r := range roles {
			fmt.Fprintln(cx.app.stdout, r.Role)
		}
		return nil
	})
}

func roleRemove(cx *cmdContext) int {
	name, ok := cx.oneName("role name")
	if !ok {
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if err := c.RemoveRole(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(cx.app.stdout, "Role %s removed\n", name)
		return nil
	})
}

func roleGrantRevokeSetup(grant bool) func(fs *flagSet) action {
	return func(fs *flagSet) action {
		usage := roleFlagUsage(grant)
		pattern := fs.String("path", "", usage[0])
		read := fs.Bool("read", false, usage[1])
		write := fs.Bool("write", false, usage[2])
		readWrite := new(bool)
		fs.boolAliases(readWrite, usage[3], "readwrite", "rw")
		return func(cx *cmdContext) int {
			// etcdctl's order of checks: the path, the permission, then the role name.
			if *pattern == "" {
				fmt.Fprintln(cx.app.stderr, "No path specified; please use `--path`")
				return exitError
			}
			if canonical := canonicalURLPath(*pattern); canonical != *pattern {
				fmt.Fprintf(cx.app.stderr, "Not canonical path; please use `--path=%s`\n", canonical)
				return exitError
			}
			perm, n := v2client.PermissionType(0), 0
			for _, f := range []struct {
				set  bool
				perm v2client.PermissionType
			}{{*read, v2client.ReadPermission}, {*write, v2client.WritePermission}, {*readWrite, v2client.ReadWritePermission}} {
				if f.set {
					perm, n = f.perm, n+1
				}
			}
			if n != 1 {
				fmt.Fprintln(cx.app.stderr, "Please specify exactly one of --read, --write or --readwrite")
				return exitError
			}
			name, ok := cx.oneName("role name")
			if !ok {
				return exitError
			}
			return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
				current, err := c.GetRole(ctx, name)
				if err != nil {
					return err
				}
				var changed v2client.Role
				if grant {
					changed, err = c.GrantRoleKV(ctx, name, []string{*pattern}, perm)
				} else {
					changed, err = c.RevokeRoleKV(ctx, name, []string{*pattern}, perm)
				}
				if err != nil {
					return err
				}
				if reflect.DeepEqual(changed, current) {
					// etcdctl's words, with no newline before the next line.
					if grant {
						fmt.Fprint(cx.app.stdout, "Role unchanged; already granted")
					} else {
						fmt.Fprint(cx.app.stdout, "Role unchanged; already revoked")
					}
				}
				fmt.Fprintf(cx.app.stdout, "Role %s updated\n", name)
				return nil
			})
		}
	}
}

// canonicalURLPath cleans p as etcd's pathutil.CanonicalURLPath does: a leading "/", no "." or
// ".." segments or doubled slashes, and a trailing slash kept.
func canonicalURLPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if p[len(p)-1] == '/' && clean != "/" {
		clean += "/"
	}
	return clean
}

// roleFlagUsage are the usages of role grant's (or revoke's) --path, --read, --write and
// --readwrite, as etcdctl words them.
func roleFlagUsage(grant bool) [4]string {
	if grant {
		return [4]string{"Path granted for the role to access", "Grant read-only access", "Grant write-only access", "Grant read-write access"}
	}
	return [4]string{"Path revoked for the role to access", "Revoke read access", "Revoke write access", "Revoke read-write access"}
}
