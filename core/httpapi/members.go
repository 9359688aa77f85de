package httpapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/core/node"
)

// memberJSON is a member as the members API shows it.
type memberJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PeerURLs   []string `json:"peerURLs"`
	ClientURLs []string `json:"clientURLs"`
}

// memberCollection is the GET /v2/members body.
type memberCollection struct {
	Members []memberJSON `json:"members"`
}

func toMemberJSON(m node.Member) memberJSON {
	return memberJSON{
		ID:         strconv.FormatUint(m.ID, 16),
		Name:       m.Name,
		PeerURLs:   append(make([]string, 0, len(m.PeerURLs)), m.PeerURLs...),
		ClientURLs: append(make([]string, 0, len(m.ClientURLs)), m.ClientURLs...),
	}
}

// serveMembers is /v2/members[/...] (ETCD_V2_API.md §9).
func (h *handler) serveMembers(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut) {
		return
	}
	if r.Method != http.MethodGet {
		h.countAuthFlagRead()
	}
	if r.Method != http.MethodGet && !h.hasRootAccess(r) { // changing membership needs root, as in etcd
		writeAuthNoAuth(w) // before the cluster ID header, as etcd
		return
	}
	h.clusterIDHeader(w)
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes)
	}
	rest := strings.TrimLeft(strings.TrimPrefix(r.URL.Path, membersPrefix), "/")
	switch r.Method {
	case http.MethodGet:
		h.getMembers(w, rest)
	case http.MethodPost:
		h.addMember(w, r)
	case http.MethodDelete:
		h.removeMember(w, r, rest)
	case http.MethodPut:
		h.updateMember(w, r, rest)
	}
}

func (h *handler) getMembers(w http.ResponseWriter, rest string) {
	st := h.status()
	switch rest {
	case "":
		ms := slices.Clone(st.Members)
		slices.SortFunc(ms, func(a, b node.Member) int { return cmp.Compare(a.ID, b.ID) })
		mc := memberCollection{Members: make([]memberJSON, 0, len(ms))}
		for _, m := range ms {
			mc.Members = append(mc.Members, toMemberJSON(m))
		}
		_ = writeJSONLine(w, http.StatusOK, mc)
	case "leader":
		i := slices.IndexFunc(st.Members, func(m node.Member) bool { return m.ID == st.Lead })
		if st.Lead == 0 || i < 0 {
			writeHTTPError(w, http.StatusServiceUnavailable, "During election")
			return
		}
		_ = writeJSONLine(w, http.StatusOK, toMemberJSON(st.Members[i]))
	default:
		writeHTTPError(w, http.StatusNotFound, "Not found")
	}
}

func (h *handler) addMember(w http.ResponseWriter, r *http.Request) {
	urls, ok := readPeerURLs(w, r)
	if !ok {
		return
	}
	m := node.Member{ID: MemberID(urls, h.cfg.Clock()), PeerURLs: urls}
	rep, err := h.backend.Do(r.Context(), node.Request{Kind: node.KindMemberAdd, Member: m})
	if err == nil {
		err = rep.Err
	}
	switch {
	case errors.Is(err, node.ErrIDExists) || errors.Is(err, node.ErrPeerURLExists):
		writeHTTPError(w, http.StatusConflict, err.Error())
	case err != nil:
		h.writeMemberInternalError(w, err)
	default:
		if rep.Member != nil {
			m = *rep.Member
		}
		_ = writeJSONLine(w, http.StatusCreated, toMemberJSON(m))
	}
}

func (h *handler) removeMember(w http.ResponseWriter, r *http.Request, rest string) {
	id, ok := memberIDFromPath(w, rest)
	if !ok {
		return
	}
	rep, err := h.backend.Do(r.Context(), node.Request{Kind: node.KindMemberRemove, MemberID: id})
	if err == nil {
		err = rep.Err
	}
	hex := strconv.FormatUint(id, 16)
	switch {
	case errors.Is(err, node.ErrIDRemoved):
		writeHTTPError(w, http.StatusGone, "Member permanently removed: "+hex)
	case errors.Is(err, node.ErrIDNotFound):
		writeHTTPError(w, http.StatusNotFound, "No such member: "+hex)
	case err != nil:
		h.writeMemberInternalError(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *handler) updateMember(w http.ResponseWriter, r *http.Request, rest string) {
	id, ok := memberIDFromPath(w, rest)
	if !ok {
		return
	}
	urls, ok := readPeerURLs(w, r)
	if !ok {
		return
	}
	rep, err := h.backend.Do(r.Context(), node.Request{Kind: node.KindMemberUpdate, MemberID: id,
		Member: node.Member{ID: id, PeerURLs: urls}})
	if err == nil {
		err = rep.Err
	}
	switch {
	case errors.Is(err, node.ErrPeerURLExists):
		writeHTTPError(w, http.StatusConflict, err.Error())
	case errors.Is(err, node.ErrIDNotFound):
		writeHTTPError(w, http.StatusNotFound, "No such member: "+strconv.FormatUint(id, 16))
	case err != nil:
		h.writeMemberInternalError(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// writeMemberInternalError is etcd's answer to any other membership failure.
func (h *handler) writeMemberInternalError(w http.ResponseWriter, err error) {
	h.cfg.Logger.Warn("httpapi: membership change failed", "err", err)
	writeHTTPError(w, http.StatusInternalServerError, "Internal Server Error")
}

// memberIDFromPath parses the hex member ID of DELETE/PUT /v2/members/<id>: no ID is 405, a
// non-hex one 404.
func memberIDFromPath(w http.ResponseWriter, rest string) (uint64, bool) {
	if rest == "" {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return 0, false
	}
	id, err := strconv.ParseUint(rest, 16, 64)
	if err != nil {
		writeHTTPError(w, http.StatusNotFound, "No such member: "+rest)
		return 0, false
	}
	return id, true
}

// readPeerURLs reads a {"peerURLs":[...]} JSON body: 415 for another content type, 400 for bad
// JSON or bad URLs.
func readPeerURLs(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(strings.ToLower(ct[:i]))
	}
	if ct != "application/json" {
		writeHTTPError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Bad Content-Type %s, accept application/json", ct))
		return nil, false
	}
	var body []byte
	var err error
	if r.Body != nil {
		body, err = io.ReadAll(r.Body)
	}
	if err != nil {
		writeHTTPError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	// The body of POST and PUT /v2/members. An unnamed type, as etcd's: a decoding error names
	// the field ".peerURLs".
	var req struct {
		PeerURLs []string `json:"peerURLs"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeHTTPError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	urls, err := parsePeerURLs(req.PeerURLs)
	if err != nil {
		writeHTTPError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return urls, true
}
