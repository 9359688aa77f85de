package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAuthCommands(t *testing.T) {
	h := newHarness(t)
	steps := []struct {
		stdin string
		args  []string
		want  result
	}{
		{"", []string{"auth", "enable"}, result{stderr: "auth: No root user available, please create one\n", code: 1}},
		{"rootpw\n", []string{"user", "add", "root"}, result{stdout: "New password: \nUser root created\n"}},
		{"", []string{"user", "add", "alice:alicepw"}, result{stdout: "User alice created\n"}},
		{"", []string{"user", "add"}, result{stderr: "Please provide a username\n", code: 1}},
		{"", []string{"role", "add", "app"}, result{stdout: "Role app created\n"}},
		{"", []string{"role", "add", "app"}, result{stderr: "Role app already exists\n", code: 1}},
		{"", []string{"role", "grant", "--path", "/app/*", "--readwrite", "app"}, result{stdout: "Role app updated\n"}},
		{"", []string{"role", "grant", "--path", "/shared", "--read", "app"}, result{stdout: "Role app updated\n"}},
		{"", []string{"role", "grant", "--read", "app"}, result{stderr: "No path specified; please use `--path`\n", code: 1}},
		{"", []string{"role", "grant", "--path", "/x", "--read", "--write", "app"}, result{stderr: "Please specify exactly one of --read, --write or --readwrite\n", code: 1}},
		{"", []string{"role", "grant", "--path", "/x", "app"}, result{stderr: "Please specify exactly one of --read, --write or --readwrite\n", code: 1}},
		{"", []string{"role", "grant", "--path", "x//y/", "--read", "app"}, result{stderr: "Not canonical path; please use `--path=/x/y/`\n", code: 1}},
		{"", []string{"role", "grant", "--path", "/x", "--read"}, result{stderr: "Please provide a role name\n", code: 1}},
		{"", []string{"role", "grant", "--path", "/x", "--read", "nosuch"}, result{stderr: "auth: Role nosuch does not exist.\n", code: 1}},
		{"", []string{"role", "get", "app"}, result{stdout: "Role: app\nKV Read:\n\t/app/*\n\t/shared\nKV Write:\n\t/app/*\n"}},
		{"", []string{"user", "grant", "--roles", "app", "alice"}, result{stdout: "User alice updated\n"}},
		{"", []string{"user", "grant", "alice"}, result{stderr: "No roles specified; please use `--roles`\n", code: 1}},
		{"", []string{"user", "grant", "--roles", "a"}, result{stderr: "Please provide a username\n", code: 1}},
		{"", []string{"user", "grant"}, result{stderr: "No roles specified; please use `--roles`\n", code: 1}},
		{"", []string{"user", "grant", "--roles", "app,x", "alice"}, result{stdout: "User alice updated\n"}},
		{"", []string{"user", "revoke", "--roles", "app,x", "alice"}, result{stdout: "User alice updated\n"}},
		{"", []string{"user", "get", "alice"}, result{stdout: "User: alice\nRoles:  app\n"}},
		{"", []string{"auth", "enable"}, result{stdout: "Authentication Enabled\n"}},
		{"", []string{"user", "list"}, result{stderr: "Insufficient credentials\n", code: 1}},
		{"", []string{"--username", "root:rootpw", "user", "list"}, result{stdout: "alice\nroot\n"}},
		{"", []string{"--username", "root:rootpw", "role", "list"}, result{stdout: "app\nguest\nroot\n"}},
		{"", []string{"--username", "root:rootpw", "role", "revoke", "--path", "/*", "--readwrite", "guest"}, result{stdout: "Role guest updated\n"}},
		{"", []string{"--username", "alice:alicepw", "set", "/app/k", "v"}, result{stdout: "v\n"}},
		{"", []string{"--username", "alice:alicepw", "set", "/other", "v"},
			result{stderr: "Error:  110: The request requires user authentication (Insufficient credentials) [0]\n", code: 4}},
		{"", []string{"get", "/app/k"},
			result{stderr: "Error:  110: The request requires user authentication (Insufficient credentials) [0]\n", code: 4}},
		{"newpw\n", []string{"--username", "root:rootpw", "user", "passwd", "alice"}, result{stdout: "New password: \nPassword updated\n"}},
		{"", []string{"--username", "alice:newpw", "get", "/app/k"}, result{stdout: "v\n"}},
		{"", []string{"--username", "root:rootpw", "user", "revoke", "--roles", "app", "alice"}, result{stdout: "User alice updated\n"}},
		{"", []string{"--username", "alice:newpw", "get", "/app/k"},
			result{stderr: "Error:  110: The request requires user authentication (Insufficient credentials) [0]\n", code: 4}},
		{"", []string{"--username", "root:rootpw", "user", "remove", "alice"}, result{stdout: "User alice removed\n"}},
		{"", []string{"--username", "root:rootpw", "role", "remove", "app"}, result{stdout: "Role app removed\n"}},
		{"", []string{"--username", "root:rootpw", "user", "remove", "root"}, result{stderr: "auth: Cannot delete root user while auth is enabled.\n", code: 1}},
		{"", []string{"auth", "disable"}, result{stderr: "Insufficient credentials\n", code: 1}},
		{"", []string{"--username", "root:rootpw", "auth", "disable"}, result{stdout: "Authentication Disabled\n"}},
		{"", []string{"get", "/app/k"}, result{stdout: "v\n"}},
	}
	for i, s := range steps {
		r := h.run(t, s.stdin, s.args...)
		require.Equal(t, s.want, r, "step %d: kvctl %v", i, s.args)
	}
}
