package main

import (
	"encoding/json"
	"fmt"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

// printResponse prints a key response in the --output format, exactly as etcdctl does.
func (cx *cmdContext) printResponse(resp *v2client.Response) {
	w := cx.app.stdout
	node := resp.Node
	if node == nil {
		node = &v2client.Node{}
	}
	switch format := cx.app.global.output; format {
	case "simple":
		if resp.Action != "delete" {
			fmt.Fprintln(w, node.Value)
		} else {
			fmt.Fprintln(w, "PrevNode.Value:", prevValue(resp))
		}
	case "extended":
		fmt.Fprintln(w, "Key:", node.Key)
		fmt.Fprintln(w, "Created-Index:", node.CreatedIndex)
		fmt.Fprintln(w, "Modified-Index:", node.ModifiedIndex)
		if resp.PrevNode != nil {
			fmt.Fprintln(w, "PrevNode.Value:", resp.PrevNode.Value)
		}
		fmt.Fprintln(w, "TTL:", node.TTL)
		fmt.Fprintln(w, "Index:", resp.Index)
		if resp.Action != "delete" {
			fmt.Fprintln(w, "")
			fmt.Fprintln(w, node.Value)
		}
	case "json":
		b, err := json.Marshal(resp)
		if err != nil {
			fmt.Fprintln(cx.app.stderr, "Error: ", err)
			return
		}
		fmt.Fprintln(w, string(b))
	default:
		fmt.Fprintln(cx.app.stderr, "Unsupported output format:", format)
	}
}

// prevValue is the previous node's value, "" when there was none.
func prevValue(resp *v2client.Response) string {
	if resp.PrevNode == nil {
		return ""
	}
	return resp.PrevNode.Value
}

// isSimple tells whether the output format is the default one.
func (cx *cmdContext) isSimple() bool {
	return cx.app.global.output == "simple"
}
