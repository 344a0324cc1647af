package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/venuekiosk/venuekiosk/firmware/config"
)

// ownState gives what kioskctl, run as root, wrote in the kiosk's state
// directory to the directory's owner — the kiosk user kioskd runs as
// (systemd's StateDirectory= and the tmpfiles rule make it so) — so that
// kioskd can read its key, store and metadata ("kiosk key: permission
// denied" otherwise). Not as root, or with a state directory root owns,
// it does nothing. Problems are reported on w, never fatal: what the
// command did is done.
func ownState(cfg *config.Config, w io.Writer) {
	if os.Geteuid() != 0 {
		return
	}
	dir := cfg.Kiosk.StateDir
	fi, err := os.Stat(dir)
	if err != nil {
		return
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return
	}
	uid, gid := int(st.Uid), int(st.Gid)
	var failed []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != dir && strings.Count(strings.TrimPrefix(p, dir), string(filepath.Separator)) > 2 {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if s, ok := info.Sys().(*syscall.Stat_t); ok && s.Uid == 0 {
			if err := os.Lchown(p, uid, gid); err != nil {
				failed = append(failed, p)
			}
		}
		return nil
	})
	if len(failed) > 0 {
		fmt.Fprintf(w, "kioskctl: could not give %s to the kiosk user (uid %d): kioskd may not read them\n", strings.Join(failed, ", "), uid)
	}
}
