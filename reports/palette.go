package reports

import "image/color"

// roleOrder fixes the order roles appear in legends.
var roleOrder = [...]string{RoleLeader, RoleFollower, RoleCandidate, RolePreCandidate, RoleDown, RolePaused}

// roleColor is the lane colour of a role in the timeline.
func roleColor(role string) color.Color {
	switch role {
	case RoleLeader:
		return color.NRGBA{R: 0x4c, G: 0xaf, B: 0x50, A: 0xff}
	case RoleFollower:
		return color.NRGBA{R: 0x90, G: 0xca, B: 0xf9, A: 0xff}
	case RoleCandidate:
		return color.NRGBA{R: 0xff, G: 0xb7, B: 0x4d, A: 0xff}
	case RolePreCandidate:
		return color.NRGBA{R: 0xff, G: 0xf1, B: 0x76, A: 0xff}
	case RoleDown:
		return color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	case RolePaused:
		return color.NRGBA{R: 0x5e, G: 0x35, B: 0xb1, A: 0xff}
	}
	return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
}

// nodeColors are distinguishable line colours for per-node series.
var nodeColors = [...]color.NRGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff},
	{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
	{R: 0xbc, G: 0xbd, B: 0x22, A: 0xff},
	{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
}

// nodeColor is the series colour of the i-th lane.
func nodeColor(i int) color.Color { return nodeColors[i%len(nodeColors)] }

// Fixed colours for faults and op outcomes.
var (
	faultShade   = color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0x30}
	faultOutline = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	okColor      = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	failColor    = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	unknownColor = color.NRGBA{R: 0xef, G: 0x6c, B: 0x00, A: 0xff}
)
