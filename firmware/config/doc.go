// Package config reads kioskd's configuration: a TOML file in which every
// key has a default, overridable by command-line flags. A bad value fails
// at start with the key, the value and what is expected.
//
// The keys are listed, with their defaults, in Example (kioskd.toml) and in
// the README.
package config
