package fakeetcd

// wireNode is a node as the v2 server writes it: key, value, dir, expiration, ttl, nodes,
// modifiedIndex, createdIndex, all omitted when empty except a file's value.
type wireNode struct {
	Key           string      `json:"key,omitempty"`
	Value         *string     `json:"value,omitempty"`
	Dir           bool        `json:"dir,omitempty"`
	Expiration    string      `json:"expiration,omitempty"`
	TTL           int64       `json:"ttl,omitempty"`
	Nodes         []*wireNode `json:"nodes,omitempty"`
	ModifiedIndex uint64      `json:"modifiedIndex,omitempty"`
	CreatedIndex  uint64      `json:"createdIndex,omitempty"`
}

// wireEvent is a key event as the server writes it.
type wireEvent struct {
	Action   string    `json:"action"`
	Node     *wireNode `json:"node,omitempty"`
	PrevNode *wireNode `json:"prevNode,omitempty"`
}

// wireError is a keys API error body.
type wireError struct {
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
	Cause     string `json:"cause,omitempty"`
	Index     uint64 `json:"index"`
}

// Member is one cluster member as /v2/members shows it.
type Member struct {
	// ID is the member ID in lowercase hex.
	ID string `json:"id"`
	// Name is empty for a member that was added but never started.
	Name string `json:"name"`
	// PeerURLs are the member's peer URLs.
	PeerURLs []string `json:"peerURLs"`
	// ClientURLs are the member's client URLs (empty until it starts).
	ClientURLs []string `json:"clientURLs"`
}

// errorMessage returns the fixed v2 text for an error code the fake can produce.
func errorMessage(code int) string {
	switch code {
	case 100:
		return "Key not found"
	case 101:
		return "Compare failed"
	case 102:
		return "Not a file"
	case 104:
		return "Not a directory"
	case 105:
		return "Key already exists"
	case 107:
		return "Root is read only"
	case 108:
		return "Directory not empty"
	case 110:
		return "The request requires user authentication"
	case 201:
		return "PrevValue is Required in POST form"
	case 202:
		return "The given TTL in POST form is not a number"
	case 203:
		return "The given index in POST form is not a number"
	case 209:
		return "Invalid field"
	case 210:
		return "Invalid POST form"
	case 300:
		return "Raft Internal Error"
	case 401:
		return "The event in requested index is outdated and cleared"
	default:
		return "Unknown error"
	}
}

// errorStatus maps a v2 error code to its HTTP status.
func errorStatus(code int) int {
	switch code {
	case 100:
		return 404
	case 101, 105:
		return 412
	case 102, 108:
		return 403
	case 110:
		return 401
	case 300, 301:
		return 500
	default:
		return 400
	}
}
