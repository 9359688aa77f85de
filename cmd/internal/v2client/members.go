package v2client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// membersPrefix is the path of the members API.
const membersPrefix = "/v2/members"

// Members lists the cluster's members (sorted by ID by the server).
func (c *Client) Members(ctx context.Context) ([]Member, error) {
	rep, err := c.do(ctx, &request{method: http.MethodGet, path: membersPrefix})
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, &StatusError{StatusCode: rep.status}
	}
	var list struct {
		Members []Member `json:"members"`
	}
	if err := json.Unmarshal(rep.body, &list); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	return list.Members, nil
}

// Leader returns the member the server believes is the leader.
func (c *Client) Leader(ctx context.Context) (Member, error) {
	rep, err := c.do(ctx, &request{method: http.MethodGet, path: membersPrefix + "/leader"})
	if err != nil {
		return Member{}, err
	}
	if rep.status != http.StatusOK {
		return Member{}, &StatusError{StatusCode: rep.status}
	}
	var m Member
	if err := json.Unmarshal(rep.body, &m); err != nil {
		return Member{}, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	return m, nil
}

// AddMember asks the cluster to add a member with the given peer URLs and returns it (with its
// new ID, no name and no client URLs yet). A conflict comes back as *MembersError.
func (c *Client) AddMember(ctx context.Context, peerURLs []string) (Member, error) {
	body, err := peerURLsBody(peerURLs)
	if err != nil {
		return Member{}, err
	}
	rep, err := c.do(ctx, &request{method: http.MethodPost, path: membersPrefix, body: body, contentType: "application/json"})
	if err != nil {
		return Member{}, err
	}
	switch rep.status {
	case http.StatusCreated:
		var m Member
		if err := json.Unmarshal(rep.body, &m); err != nil {
			return Member{}, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
		}
		return m, nil
	case http.StatusConflict:
		return Member{}, decodeMembersError(rep)
	default:
		return Member{}, &StatusError{StatusCode: rep.status}
	}
}

// RemoveMember removes the member with the given hex ID. Like client/v2 it treats 410 (the
// member was already removed) as success.
func (c *Client) RemoveMember(ctx context.Context, id string) error {
	rep, err := c.do(ctx, &request{method: http.MethodDelete, path: membersPrefix + "/" + id})
	if err != nil {
		return err
	}
	switch rep.status {
	case http.StatusNoContent, http.StatusGone:
		return nil
	default:
		return &StatusError{StatusCode: rep.status}
	}
}

// UpdateMember replaces the peer URLs of the member with the given hex ID. An unknown member or
// a URL conflict comes back as *MembersError.
func (c *Client) UpdateMember(ctx context.Context, id string, peerURLs []string) error {
	body, err := peerURLsBody(peerURLs)
	if err != nil {
		return err
	}
	rep, err := c.do(ctx, &request{method: http.MethodPut, path: membersPrefix + "/" + id, body: body, contentType: "application/json"})
	if err != nil {
		return err
	}
	switch rep.status {
	case http.StatusNoContent:
		return nil
	case http.StatusNotFound, http.StatusConflict:
		return decodeMembersError(rep)
	default:
		return &StatusError{StatusCode: rep.status}
	}
}

// Sync replaces the endpoint list with the client URLs of all members. With no published client
// URL at all it returns ErrNoEndpoints and keeps the old list.
func (c *Client) Sync(ctx context.Context) error {
	members, err := c.Members(ctx)
	if err != nil {
		return err
	}
	var eps []string
	for _, m := range members {
		eps = append(eps, m.ClientURLs...)
	}
	if len(eps) == 0 {
		return ErrNoEndpoints
	}
	return c.SetEndpoints(eps)
}

// decodeMembersError reads a {"message": ...} error body.
func decodeMembersError(rep *reply) error {
	var body struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rep.body, &body); err != nil {
		return fmt.Errorf("%w (HTTP %d): %w", ErrInvalidJSON, rep.status, err)
	}
	return &MembersError{StatusCode: rep.status, Message: body.Message}
}

// peerURLsBody validates peer URLs as etcd does and encodes them as {"peerURLs": [...]},
// sorted.
func peerURLsBody(peerURLs []string) ([]byte, error) {
	urls, err := ValidatePeerURLs(peerURLs)
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		PeerURLs []string `json:"peerURLs"`
	}{urls})
}

// ValidatePeerURLs checks that every URL is http(s)://host:port with no path, trims blanks and
// returns them sorted. The error texts are etcd's.
func ValidatePeerURLs(peerURLs []string) ([]string, error) {
	if len(peerURLs) == 0 {
		return nil, errors.New("no valid URLs given")
	}
	out := make([]string, 0, len(peerURLs))
	for _, raw := range peerURLs {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("invalid peer URL: %w", err)
		}
		switch u.Scheme {
		case "http", "https":
			if _, _, err := net.SplitHostPort(u.Host); err != nil {
				return nil, fmt.Errorf(`URL address does not have the form "host:port": %s`, raw)
			}
			if u.Path != "" {
				return nil, fmt.Errorf("URL must not contain a path: %s", raw)
			}
		case "unix", "unixs":
		default:
			return nil, fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", raw)
		}
		out = append(out, u.String())
	}
	sort.Strings(out)
	return out, nil
}
