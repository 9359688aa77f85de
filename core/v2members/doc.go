// Package v2members is the pure translation of etcd's v2 members API (ETCD_V2_API.md §9): a
// request (method, path, content type, body) becomes the node operation it asks for or an
// immediate answer, and the node's result becomes the status, headers and body bytes etcd sends.
// core/httpapi wraps it in net/http; the simulator builds its membership changes as the requests
// a v2 client sends and reads their answers with Decode. It reads no clock: the ID of a member
// added at runtime is given by the caller (MemberID from the peer URLs and the time).
package v2members
