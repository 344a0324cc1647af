package image

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
)

// DefaultEnv finds U-Boot's built-in default environment in a u-boot.bin:
// the run of NUL-terminated "name=value" strings, ending in an empty one,
// that holds "bootdelay=". Debian's U-Boot is built as it is; its
// defaults are what an environment file must start from, because a valid
// file replaces them all.
func DefaultEnv(bin []byte) ([]string, error) {
	i := bytes.Index(bin, []byte("\x00bootdelay="))
	if i < 0 {
		return nil, errors.New("no default environment (no bootdelay=) in U-Boot")
	}
	isVar := func(s []byte) bool {
		eq := bytes.IndexByte(s, '=')
		if eq <= 0 {
			return false
		}
		for _, c := range s {
			if c < 0x20 || c > 0x7e {
				if c != '\t' && c != '\n' {
					return false
				}
			}
		}
		return true
	}
	// Back to the first variable.
	start := i + 1
	for start > 1 {
		j := bytes.LastIndexByte(bin[:start-1], 0)
		if j < 0 || !isVar(bin[j+1:start-1]) {
			break
		}
		start = j + 1
	}
	end := bytes.Index(bin[start:], []byte("\x00\x00"))
	if end < 0 {
		return nil, errors.New("U-Boot's default environment has no end")
	}
	var vars []string
	for _, v := range bytes.Split(bin[start:start+end], []byte{0}) {
		if !isVar(v) {
			return nil, fmt.Errorf("U-Boot's default environment holds %q", v)
		}
		vars = append(vars, string(v))
	}
	return vars, nil
}

// SetEnv sets name to value in vars, replacing it or appending it.
func SetEnv(vars []string, name, value string) []string {
	for i, v := range vars {
		if strings.HasPrefix(v, name+"=") {
			vars[i] = name + "=" + value
			return vars
		}
	}
	return append(vars, name+"="+value)
}

// EnvImage is a non-redundant U-Boot environment of size bytes: the
// CRC-32 (IEEE, little-endian) of the rest, then the variables, each
// NUL-terminated, then zeros — what U-Boot's saveenv writes to uboot.env
// and fw_printenv reads.
func EnvImage(vars []string, size int) ([]byte, error) {
	b := make([]byte, size)
	n := 4
	for _, v := range vars {
		if n+len(v)+2 > size {
			return nil, fmt.Errorf("the environment does not fit in %d bytes", size)
		}
		n += copy(b[n:], v) + 1
	}
	binary.LittleEndian.PutUint32(b, crc32.ChecksumIEEE(b[4:]))
	return b, nil
}

// ParseEnvImage checks an environment image's CRC and returns its
// variables.
func ParseEnvImage(b []byte) ([]string, error) {
	if len(b) < 8 {
		return nil, errors.New("environment too short")
	}
	if got, want := binary.LittleEndian.Uint32(b), crc32.ChecksumIEEE(b[4:]); got != want {
		return nil, fmt.Errorf("environment CRC %08x, want %08x", got, want)
	}
	var vars []string
	for _, v := range bytes.Split(b[4:], []byte{0}) {
		if len(v) == 0 {
			break
		}
		vars = append(vars, string(v))
	}
	return vars, nil
}
