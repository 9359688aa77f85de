package main

import (
	"context"

	"fmt"
	"strings"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

func userCommand() *command {
	return &command{
		name: "user", usage: "user add, grant and revoke subcommands",
		subcommands: []*command{
			{name: "add", usage: "add a new user for the etcd cluster", argsUsage: "<user>", setup: noFlags(userAdd)},
			{name: "get", usage: "get details for a user", argsUsage: "<user>", setup: noFlags(userGet)},
			{name: "list", usage: "list all current users", argsUsage: "<user>", setup: noFlags(userList)},
			{name: "remove", usage: "remove a user for the etcd cluster", argsUsage: "<user>", setup: noFlags(userRemove)},
			{name: "grant", usage: "grant roles to an etcd user", argsUsage: "<user>", setup: userGrantRevokeSetup(true)},
			{name: "revoke", usage: "revoke roles for an etcd user", argsUsage: "<user>", setup: userGrantRevokeSetup(false)},
			{name: "passwd", usage: "change password for a user", argsUsage: "<user>", setup: noFlags(userPasswd)},
		},
	}
}

func userAdd(cx *cmdContext) int {
	arg, ok := cx.oneName("username")
	if !ok {
		return exitError
	}
	name, password, hasPassword := strings.Cut(arg, ":")
	if !hasPassword {
		var err error
		if password, err = cx.askPassword("New password: "); err != nil {
			fmt.Fprintln(cx.app.stderr, "Error reading password:", err)
			return exitError
		}
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if err := c.AddUser(ctx, name, password); err != nil {
			return err
		}
		fmt.Fprintf(cx.app.stdout, "User %s created\n", name)
		return nil
	})
}

func userGet(cx *cmdContext) int {
	name, ok := cx.oneName("username")
	if !ok {
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		u, err := c.GetUser(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(cx.app.stdout, "User: %s\n", u.User)
		// etcdctl's client (client/v2) makes the slice with len(roles) empty names before it
		// appends them, so each role adds a space: "Roles:  app".
		names := make([]string, len(u.Roles), 2*len(u.Roles))
		for _, r := range u.Roles {
			names = append(names, r.Role)
		}
		fmt.Fprintf(cx.app.stdout, "Roles: %s\n", strings.Join(names, " "))
		return nil
	})
}

func userList(cx *cmdContext) int {
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		users, err := c.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintln(cx.app.stdout, u.User)
		}
		return nil
	})
}

func userRemove(cx *cmdContext) int {
	name, ok := cx.oneName("username")
	if !ok {
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if err := c.RemoveUser(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(cx.app.stdout, "User %s removed\n", name)
		return nil
	})
}

func userGrantRevokeSetup(grant bool) func(fs *flagSet) action {
	return func(fs *flagSet) action {
		var roles listFlag
		fs.Var(&roles, "roles", "List of roles to grant or revoke")
		return func(cx *cmdContext) int {
			if len(roles) == 0 { // checked first, as etcdctl does
				fmt.Fprintln(cx.app.stderr, "No roles specified; please use `--roles`")
				return exitError
			}
			name, ok := cx.oneName("username")
			if !ok {
				return exitError
			}
			return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
				var err error
				if grant {
					_, err = c.GrantUser(ctx, name, roles)
				} else {
					_, err = c.RevokeUser(ctx, name, roles)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(cx.app.stdout, "User %s updated\n", name)
				return nil
			})
		}
	}
}

func userPasswd(cx *cmdContext) int {
	name, ok := cx.oneName("username")
	if !ok {
		return exitError
	}
	password, err := cx.askPassword("New password: ")
	if err != nil {
		fmt.Fprintln(cx.app.stderr, "Error reading password:", err)
		return exitError
	}
	return cx.authCall(func(ctx context.Context, c *v2client.Client) error {
		if _, err := c.ChangePassword(ctx, name, password); err != nil {
			return err
		}
		fmt.Fprintln(cx.app.stdout, "Password updated")
		return nil
	})
}
