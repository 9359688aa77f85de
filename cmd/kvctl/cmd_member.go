package main

import (
	"fmt"
	"strings"
)

func memberCommand() *command {
	return &command{
		name: "member", usage: "member add, remove and list subcommands",
		subcommands: []*command{
			{name: "list", usage: "enumerate existing cluster members", argsUsage: " ", setup: noFlags(memberList)},
			{name: "add", usage: "add a new member to the etcd cluster", argsUsage: "<name> <peerURL>", setup: noFlags(memberAdd)},
			{name: "remove", usage: "remove an existing member from the etcd cluster", argsUsage: "<memberID>", setup: noFlags(memberRemove)},
			{name: "update", usage: "update an existing member in the etcd cluster", argsUsage: "<memberID> <peerURLs>", setup: noFlags(memberUpdate)},
		},
	}
}

// noFlags adapts an action for a command without flags.
func noFlags(a action) func(*flagSet) action {
	return func(*flagSet) action { return a }
}

func memberList(cx *cmdContext) int {
	if len(cx.args) != 0 {
		fmt.Fprintln(cx.app.stderr, "No arguments accepted")
		return exitError
	}
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	defer cancel()
	members, err := c.Members(ctx)
	if err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return exitError
	}
	leader, err := c.Leader(ctx)
	if err != nil {
		fmt.Fprintln(cx.app.stderr, "Failed to get leader: ", err)
		return exitError
	}
	for _, m := range members {
		if m.Name == "" {
			fmt.Fprintf(cx.app.stdout, "%s[unstarted]: peerURLs=%s\n", m.ID, strings.Join(m.PeerURLs, ","))
			continue
		}
		fmt.Fprintf(cx.app.stdout, "%s: name=%s peerURLs=%s clientURLs=%s isLeader=%v\n",
			m.ID, m.Name, strings.Join(m.PeerURLs, ","), strings.Join(m.ClientURLs, ","), m.ID == leader.ID)
	}
	return exitSuccess
}

func memberAdd(cx *cmdContext) int {
	if len(cx.args) != 2 {
		fmt.Fprintln(cx.app.stderr, "Provide a name and a single member peerURL")
		return exitError
	}
	name, peerURL := cx.args[0], cx.args[1]
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	defer cancel()
	added, err := c.AddMember(ctx, []string{peerURL})
	if err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return exitError
	}
	fmt.Fprintf(cx.app.stdout, "Added member named %s with ID %s to cluster\n", name, added.ID)

	members, err := c.Members(ctx)
	if err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return exitError
	}
	var conf []string
	for _, m := range members {
		memberName := m.Name
		if m.ID == added.ID {
			memberName = name
		}
		for _, u := range m.PeerURLs {
			conf = append(conf, fmt.Sprintf("%s=%s", memberName, u))
		}
	}
	fmt.Fprint(cx.app.stdout, "\n")
	fmt.Fprintf(cx.app.stdout, "ETCD_NAME=%q\n", name)
	fmt.Fprintf(cx.app.stdout, "ETCD_INITIAL_CLUSTER=%q\n", strings.Join(conf, ","))
	fmt.Fprintf(cx.app.stdout, "ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n")
	return exitSuccess
}

func memberRemove(cx *cmdContext) int {
	if len(cx.args) != 1 {
		fmt.Fprintln(cx.app.stderr, "Provide a single member ID")
		return exitError
	}
	id := cx.args[0]
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	defer cancel()
	members, err := c.Members(ctx)
	if err != nil {
		fmt.Fprintln(cx.app.stderr, "Error while verifying ID against known members:", err.Error())
		return exitError
	}
	found := false
	for _, m := range members {
		if m.ID == id {
			found = true
		}
		if m.Name == id {
			fmt.Fprintf(cx.app.stderr, "Found a member named %s; if this is correct, please use its ID, eg:\n\tetcdctl member remove %s\n", m.Name, m.ID)
			fmt.Fprintf(cx.app.stderr, "For more details, read the documentation at https://github.com/coreos/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n")
		}
	}
	if !found {
		fmt.Fprintf(cx.app.stderr, "Couldn't find a member in the cluster with an ID of %s.\n", id)
		return exitError
	}
	if err := c.RemoveMember(ctx, id); err != nil {
		// No newline, exactly as etcdctl prints it.
		fmt.Fprintf(cx.app.stderr, "Received an error trying to remove member %s: %s", id, err.Error())
		return exitError
	}
	fmt.Fprintf(cx.app.stdout, "Removed member %s from cluster\n", id)
	return exitSuccess
}

func memberUpdate(cx *cmdContext) int {
	if len(cx.args) != 2 {
		fmt.Fprintln(cx.app.stderr, "Provide an ID and a list of comma separated peerURL (0xabcd http://example.com,http://example1.com)")
		return exitError
	}
	id, urls := cx.args[0], cx.args[1]
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	ctx, cancel := cx.totalTimeoutContext()
	defer cancel()
	if err := c.UpdateMember(ctx, id, strings.Split(urls, ",")); err != nil {
		fmt.Fprintln(cx.app.stderr, err.Error())
		return exitError
	}
	fmt.Fprintf(cx.app.stdout, "Updated member with ID %s in cluster\n", id)
	return exitSuccess
}
