package realproc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// APIError is an answer of the members API that is not a success.
type APIError struct {
	// Status is the HTTP status; Message the server's text ("peerURL exists", ...).
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("members API: %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

// apiMember is one member as /v2/members lists it.
type apiMember struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PeerURLs   []string `json:"peerURLs"`
	ClientURLs []string `json:"clientURLs"`
}

// AddMember grows the cluster the way an operator does: it adds a member called name through the
// members API of a running member (POST /v2/members with the new peer URL) and, once the change is
// accepted, starts the new member's process with --initial-cluster-state existing and the
// cluster's membership as the server now lists it. It does not wait for the new member to serve.
// When the change fails no process is started; an *APIError says what the server answered.
func (c *Cluster) AddMember(ctx context.Context, name string) (*Member, error) {
	if c.Member(name) != nil {
		return nil, fmt.Errorf("realproc: add member: %s already exists", name)
	}
	m, err := c.newMember(name)
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started && c.net != nil {
			c.net.removeProxy(name)
		}
	}()
	body, _ := json.Marshal(map[string][]string{"peerURLs": {m.PeerURL}}) // cannot fail
	var added apiMember
	via, err := c.membersCall(ctx, nil, http.MethodPost, "", body, http.StatusCreated, &added)
	if err != nil {
		return nil, fmt.Errorf("realproc: add member %s: %w", name, err)
	}
	var list struct {
		Members []apiMember `json:"members"`
	}
	if err := getJSON(ctx, via.ClientURL+"/v2/members", &list); err != nil {
		return nil, fmt.Errorf("realproc: add member %s: list the members: %w", name, err)
	}
	var initial []string
	for _, am := range list.Members {
		n := am.Name
		if am.ID == added.ID {
			n = name // not started yet: it has no name until it publishes one
		}
		for _, u := range am.PeerURLs {
			initial = append(initial, n+"="+u)
		}
	}
	args := c.memberArgs(m, "--initial-cluster", strings.Join(initial, ","),
		"--initial-cluster-token", c.cfg.Token, "--initial-cluster-state", "existing")
	c.mu.Lock()
	c.members = append(c.members, m)
	c.mu.Unlock()
	started = true
	if err := m.Start(c.cfg.Binary, args, c.cfg.Env); err != nil {
		return m, err
	}
	return m, nil
}

// RemoveMember shrinks the cluster: it removes the member called name through the members API of
// another running member (DELETE /v2/members/ID; a member asked to remove itself may stop before
// it answers). The removed member's process stops by itself
// once it learns of its removal (Close kills it if it has not). An *APIError says what the server
// answered when the change fails.
func (c *Cluster) RemoveMember(ctx context.Context, name string) error {
	m, err := c.member(name)
	if err != nil {
		return err
	}
	id, err := c.memberID(ctx, m)
	if err != nil {
		return fmt.Errorf("realproc: remove member %s: %w", name, err)
	}
	if _, err := c.membersCall(ctx, m, http.MethodDelete, "/"+strconv.FormatUint(id, 16), nil, http.StatusNoContent, nil); err != nil {
		return fmt.Errorf("realproc: remove member %s: %w", name, err)
	}
	c.mu.Lock()
	if c.removed == nil {
		c.removed = map[string]bool{}
	}
	c.removed[name] = true
	c.mu.Unlock()
	return nil
}

// current are the members that were not removed, in order.
func (c *Cluster) current() []*Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*Member
	for _, m := range c.members {
		if !c.removed[m.Name] {
			out = append(out, m)
		}
	}
	return out
}

// Removed says whether the member called name was removed with RemoveMember.
func (c *Cluster) Removed(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.removed[name]
}

// memberID is m's member ID: what it says about itself, or else what another member lists.
func (c *Cluster) memberID(ctx context.Context, m *Member) (uint64, error) {
	if m.State() == Running {
		if self, err := Self(ctx, m); err == nil {
			return self.ID, nil
		}
	}
	for _, other := range c.current() {
		if other == m || other.State() != Running {
			continue
		}
		var list struct {
			Members []apiMember `json:"members"`
		}
		if err := getJSON(ctx, other.ClientURL+"/v2/members", &list); err != nil {
			continue
		}
		for _, am := range list.Members {
			if am.Name == m.Name || slices.Contains(am.PeerURLs, m.PeerURL) {
				return strconv.ParseUint(am.ID, 16, 64)
			}
		}
	}
	return 0, fmt.Errorf("no running member lists %s", m.Name)
}

// membersCall sends one members API request to the first running member (but skip) that takes
// the connection and decodes a want answer into out (when not nil). It returns the member that
// answered. A request that reached a member is not sent again: its outcome may be unknown.
func (c *Cluster) membersCall(ctx context.Context, skip *Member, method, path string, body []byte, want int, out any) (*Member, error) {
	var errs []error
	for _, m := range c.current() {
		if m == skip || m.State() != Running {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, method, m.ClientURL+"/v2/members"+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			errs = append(errs, err)
			continue // not connected: the next member
		}
		answer, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != want {
			return nil, &APIError{Status: resp.StatusCode, Message: apiMessage(answer)}
		}
		if out != nil {
			if err := json.Unmarshal(answer, out); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, req.URL, err)
			}
		}
		return m, nil
	}
	return nil, fmt.Errorf("no running member took the request: %w", errors.Join(errs...))
}

// apiMessage is the message of a members API error body ({"message": "..."}), or the body.
func apiMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return e.Message
	}
	return strings.TrimSpace(string(body))
}
