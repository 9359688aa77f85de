package fakeetcd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// serveMembers is the /v2/members handler.
func (s *Server) serveMembers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("X-Etcd-Cluster-Id", s.clusterID)
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v2/members"), "/")
	switch {
	case r.Method == http.MethodGet && id == "":
		writeJSON(w, http.StatusOK, map[string][]Member{"members": s.members})
	case r.Method == http.MethodGet && id == "leader":
		for _, m := range s.members {
			if m.ID == s.leaderID {
				writeJSON(w, http.StatusOK, m)
				return
			}
		}
		writeMembersError(w, http.StatusServiceUnavailable, "During election")
	case r.Method == http.MethodPost && id == "":
		s.addMember(w, r)
	case r.Method == http.MethodDelete && id != "":
		s.removeMember(w, id)
	case r.Method == http.MethodPut && id != "":
		s.updateMember(w, r, id)
	default:
		w.Header().Set("Allow", "GET,POST,DELETE,PUT")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

// writeMembersError writes {"message":...} without a trailing newline, as etcd does.
func writeMembersError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"message": msg})
	_, _ = w.Write(b)
}

// readPeerURLs decodes a {"peerURLs": [...]} body, answering the error itself when it fails.
func readPeerURLs(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	if ct := r.Header.Get("Content-Type"); strings.Split(ct, ";")[0] != "application/json" {
		writeMembersError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Bad Content-Type %s, accept application/json", ct))
		return nil, false
	}
	var body struct {
		PeerURLs []string `json:"peerURLs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMembersError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	if len(body.PeerURLs) == 0 {
		writeMembersError(w, http.StatusBadRequest, "no valid URLs given")
		return nil, false
	}
	return body.PeerURLs, true
}

// peerURLTaken tells whether another member already uses one of the URLs.
func (s *Server) peerURLTaken(urls []string, except string) bool {
	for _, m := range s.members {
		if m.ID == except {
			continue
		}
		for _, have := range m.PeerURLs {
			for _, want := range urls {
				if have == want {
					return true
				}
			}
		}
	}
	return false
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	urls, ok := readPeerURLs(w, r)
	if !ok {
		return
	}
	if s.peerURLTaken(urls, "") {
		writeMembersError(w, http.StatusConflict, "membership: peerURL exists")
		return
	}
	s.nextID++
	m := Member{ID: strconv.FormatUint(s.nextID, 16), PeerURLs: urls, ClientURLs: []string{}}
	s.members = append(s.members, m)
	s.store.index++
	writeJSON(w, http.StatusCreated, m)
}

func (s *Server) removeMember(w http.ResponseWriter, id string) {
	if s.removed[id] {
		writeMembersError(w, http.StatusGone, "Member permanently removed: "+id)
		return
	}
	for i, m := range s.members {
		if m.ID == id {
			s.members = append(s.members[:i], s.members[i+1:]...)
			s.removed[id] = true
			s.store.index += 2
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeMembersError(w, http.StatusNotFound, "No such member: "+id)
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request, id string) {
	urls, ok := readPeerURLs(w, r)
	if !ok {
		return
	}
	for i, m := range s.members {
		if m.ID != id {
			continue
		}
		if s.peerURLTaken(urls, id) {
			writeMembersError(w, http.StatusConflict, "membership: peerURL exists")
			return
		}
		s.members[i].PeerURLs = urls
		s.store.index++
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeMembersError(w, http.StatusNotFound, "No such member: "+id)
}
