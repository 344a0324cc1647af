package daemon

import "context"

// A stage is one named part of the daemon's start. start brings it up and
// returns what brings it down again: stop, or nil when there is nothing to
// stop (a stage that only opens or checks something another stage
// closes).
type stage struct {
	name  string
	start func(ctx context.Context) (stop func(), err error)
}

// setup is a stage with nothing to stop.
func setup(name string, f func(ctx context.Context) error) stage {
	return stage{name, func(ctx context.Context) (func(), error) { return nil, f(ctx) }}
}

// background is a stage that runs f in a goroutine until the stage stops;
// stop ends f's context and waits for f to return. f's context does not
// end with the daemon's: only stop ends it.
func background(name string, f func(ctx context.Context)) stage {
	return stage{name, func(context.Context) (func(), error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { f(ctx); close(done) }()
		return func() { cancel(); <-done }, nil
	}}
}

// startStages starts the stages in order. When one fails, the stages
// already started are stopped in reverse order and its error is returned
// as it is. Otherwise stop stops every stage in reverse order: what
// starts first stops last.
//
// trace, when not nil, is told "start NAME" before each stage starts and
// "stop NAME" before each stop runs.
func startStages(ctx context.Context, stages []stage, trace func(event string)) (stop func(), err error) {
	if trace == nil {
		trace = func(string) {}
	}
	type started struct {
		name string
		stop func()
	}
	var up []started
	stop = func() {
		for i := len(up) - 1; i >= 0; i-- {
			if up[i].stop != nil {
				trace("stop " + up[i].name)
				up[i].stop()
			}
		}
		up = nil
	}
	for _, s := range stages {
		trace("start " + s.name)
		f, err := s.start(ctx)
		if err != nil {
			stop()
			return nil, err
		}
		up = append(up, started{s.name, f})
	}
	return stop, nil
}
