package systemtest

// The agent's protocol, shared by the host side (the test) and vkagent in
// the guest: one JSON object a line in each direction.

// AgentRequest is one command for vkagent to run.
type AgentRequest struct {
	ID        uint64   `json:"id"`
	Argv      []string `json:"argv"`
	TimeoutMS int64    `json:"timeout_ms"`
}

// AgentResponse is a command's outcome, or the agent's hello on start
// (Hello: the guest's boot id). Exit is -1 when the command did not run to
// an exit status (Err says why).
type AgentResponse struct {
	Hello     string `json:"hello,omitempty"`
	ID        uint64 `json:"id"`
	Exit      int    `json:"exit"`
	Stdout    string `json:"stdout"`
	Stderr    string `json:"stderr"`
	Truncated bool   `json:"truncated,omitempty"`
	Err       string `json:"err,omitempty"`
}
